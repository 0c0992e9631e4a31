package io.llmrelay.server.exchange;

import io.llmrelay.core.security.Cidr;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address. The peer's, unless the peer is a trusted proxy ({@code trusted_proxies}):
 * then {@code X-Forwarded-For} is read from the right — each proxy appends the address it received
 * the request from — skipping the addresses that are themselves trusted proxies, and the first
 * untrusted one is the client. Entries left of it were written by whoever sent the request there and
 * prove nothing. When every entry is trusted, the left-most is the client; an entry that is not an IP
 * address stops the walk at the last address that is vouched for. Pure; addresses are parsed as
 * literals, never looked up.
 */
final class ClientAddress {

    /** X-Forwarded-For entries read at most, from the right: a chain of proxies is never this long. */
    static final int MAX_HOPS = 32;

    private ClientAddress() {}

    /**
     * @param peer the address the connection comes from; null when it is not an IP socket
     * @param forwardedFor the {@code X-Forwarded-For} header values, in the order received
     * @param trusted the {@code trusted_proxies} blocks
     */
    static InetAddress of(InetAddress peer, List<String> forwardedFor, List<Cidr> trusted) {
        if (peer == null || trusted.isEmpty() || !trustedAddress(peer, trusted) || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                hops.add(hop);
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return client; // unreadable: the last address a trusted proxy vouched for
            }
            client = hop;
            if (!trustedAddress(hop, trusted)) {
                return hop;
            }
        }
        return client;
    }

    static boolean trustedAddress(InetAddress address, List<Cidr> trusted) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An entry as an address: {@code 203.0.113.7}, {@code 2001:db8::1}, with or without brackets and
     * a port ({@code [2001:db8::1]:4711}, {@code 203.0.113.7:4711}); null for anything else
     * ({@code unknown}, a name, garbage).
     */
    static InetAddress literal(String entry) {
        String s = entry.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            s = close < 0 ? "" : s.substring(1, close);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            s = s.substring(0, s.indexOf(':')); // IPv4 with a port
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes); // bytes, not a name: nothing is looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
