package io.llmrelay.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.runtime.Transport;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ResolversTest {

    @Test
    void anIpAddressIsItsOwnTarget() {
        InetSocketAddress v4 = Resolvers.target("127.0.0.1", 8080);
        assertThat(v4.isUnresolved()).isFalse();
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(v4.getPort()).isEqualTo(8080);
        // a URI writes an IPv6 address in brackets
        InetSocketAddress v6 = Resolvers.target("[::1]", 11434);
        assertThat(v6.isUnresolved()).isFalse();
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(v6.getPort()).isEqualTo(11434);
    }

    @Test
    void aHostNameIsLeftForTheResolver() {
        InetSocketAddress named = Resolvers.target("api.openai.com", 443);
        assertThat(named.isUnresolved()).isTrue();
        assertThat(named.getHostString()).isEqualTo("api.openai.com");
        assertThat(Resolvers.target("localhost", 80).isUnresolved()).isTrue();
        assertThat(Resolvers.target("300.1.1.1", 80).isUnresolved()).as("not an address").isTrue();
    }

    @Test
    void dnsIsMadeOnlyForANameAndOnce() {
        try (Resolvers resolvers = new Resolvers(Transport.NIO)) {
            assertThat(resolvers.forTarget(Resolvers.target("10.0.0.1", 80))).isSameAs(NoopAddressResolverGroup.INSTANCE);
            assertThat(resolvers.forTarget(Resolvers.target("[fe80::1]", 80))).isSameAs(NoopAddressResolverGroup.INSTANCE);
            assertThat(resolvers.forTarget(Resolvers.target("backend.internal", 80)))
                    .isInstanceOf(DnsAddressResolverGroup.class)
                    .isSameAs(resolvers.forTarget(Resolvers.target("other.internal", 80)));
        }
    }
}
