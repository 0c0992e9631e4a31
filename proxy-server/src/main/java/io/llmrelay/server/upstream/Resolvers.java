package io.llmrelay.server.upstream;

import io.llmrelay.server.runtime.Transport;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * How the backends' addresses are found. A backend named by a host name is resolved at each new
 * connection by Netty's DNS resolver (non-blocking, on the connection's event loop), which is made
 * when the first such backend needs it; a backend at an IP address is connected to that address
 * with no resolver at all. Making the DNS resolver (a UDP channel on each event loop, some 70
 * classes) was about a tenth of the event loop's work before the first answer, for a proxy whose
 * backends were all addresses.
 */
public final class Resolvers implements AutoCloseable {

    private final Transport transport;
    private DnsAddressResolverGroup dns; // guarded by this: reloads add backends from another thread

    public Resolvers(Transport transport) {
        this.transport = transport;
    }

    /**
     * Where connections to {@code host} (as a URI writes it, an IPv6 address in brackets) and
     * {@code port} go: the address itself for an IP literal, else the name, left for the resolver.
     */
    static InetSocketAddress target(String host, int port) {
        String bare = host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1) : host;
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(bare);
        if (ip == null) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bare, ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an IP address of " + ip.length + " bytes: " + bare, e); // 4 or 16, always
        }
    }

    /** The resolver for connections to {@code target}: none for an address, DNS for a name. */
    AddressResolverGroup<?> forTarget(InetSocketAddress target) {
        return target.isUnresolved() ? dns() : NoopAddressResolverGroup.INSTANCE;
    }

    private synchronized DnsAddressResolverGroup dns() {
        if (dns == null) {
            dns = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                    .datagramChannelType(transport.datagramChannel)
                    .socketChannelType(transport.socketChannel));
        }
        return dns;
    }

    @Override
    public synchronized void close() {
        if (dns != null) {
            dns.close();
        }
    }
}
