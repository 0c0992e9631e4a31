package io.llmrelay.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.security.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code X-Forwarded-For} read from the right, only as far as trusted proxies vouch for it. */
class ClientAddressTest {

    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static String client(String peer, String... forwardedFor) throws UnknownHostException {
        InetAddress a = ClientAddress.of(ip(peer), List.of(forwardedFor), TRUSTED);
        return a == null ? null : a.getHostAddress();
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItSays() throws Exception {
        assertThat(client("203.0.113.7", "127.0.0.1")).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.of(ip("10.0.0.1"), List.of("198.51.100.1"), List.of()).getHostAddress())
                .isEqualTo("10.0.0.1"); // no trusted proxies: nobody's header counts
    }

    @Test
    void aTrustedPeerNamesTheClientAsTheRightMostUntrustedHop() throws Exception {
        assertThat(client("10.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(client("10.0.0.1", "127.0.0.1, 198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(client("10.0.0.1", "192.0.2.9, 198.51.100.1, 10.9.9.9")).isEqualTo("198.51.100.1");
        // several headers are one list, in the order received
        assertThat(client("10.0.0.1", "198.51.100.1", "10.2.2.2")).isEqualTo("198.51.100.1");
        assertThat(client("fd00::1", "2001:db8::5")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(client("::ffff:10.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
    }

    @Test
    void portsAndBracketsAreRead() throws Exception {
        assertThat(client("10.0.0.1", "198.51.100.1:4711")).isEqualTo("198.51.100.1");
        assertThat(client("10.0.0.1", "[2001:db8::5]:4711")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(client("10.0.0.1", " [2001:db8::6] ")).isEqualTo("2001:db8:0:0:0:0:0:6");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() throws Exception {
        assertThat(client("10.0.0.1", "10.3.3.3, 10.2.2.2")).isEqualTo("10.3.3.3");
    }

    @Test
    void anUnreadableHopStopsAtTheLastAddressVouchedFor() throws Exception {
        assertThat(client("10.0.0.1", "unknown")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "198.51.100.1, garbage, 10.2.2.2")).isEqualTo("10.2.2.2");
        assertThat(client("10.0.0.1", "example.com")).isEqualTo("10.0.0.1"); // a name is never looked up
        assertThat(client("10.0.0.1", "")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1")).isEqualTo("10.0.0.1");
    }

    @Test
    void aLongChainIsReadOnlyAsFarAsMaxHops() throws Exception {
        String chain = "198.51.100.1, " + "10.1.1.1, ".repeat(ClientAddress.MAX_HOPS + 5) + "10.1.1.1";
        assertThat(client("10.0.0.1", chain)).isEqualTo("10.1.1.1");
    }

    @Test
    void aPeerThatIsNoIpSocketHasNoAddress() {
        assertThat(ClientAddress.of(null, List.of("198.51.100.1"), TRUSTED)).isNull();
    }
}
