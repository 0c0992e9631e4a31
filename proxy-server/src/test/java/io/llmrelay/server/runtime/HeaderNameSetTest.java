package io.llmrelay.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class HeaderNameSetTest {

    private static final HeaderNameSet HOPS = HeaderNameSet.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.TE, HttpHeaderNames.CONTENT_LENGTH, AsciiString.cached("x-api-key"));

    @Test
    void onlyItsNamesAreMembersInAnyCaseNotTheirPrefixesOrLongerNames() {
        assertThat(HOPS.contains("connection")).isTrue();
        assertThat(HOPS.contains("CONTENT-LENGTH")).isTrue();
        assertThat(HOPS.contains("Te")).isTrue();
        assertThat(HOPS.contains("connectionx")).isFalse();
        assertThat(HOPS.contains("t")).isFalse();
        assertThat(HOPS.contains("x-api-keys")).isFalse();
        assertThat(HOPS.contains("x-api-kez")).isFalse();
        assertThat(HOPS.contains("a-very-long-header-name-beyond-every-hop-name")).isFalse();
        assertThat(HOPS.contains("")).isFalse();
    }

    @Test
    void aConnectionHeaderListsFurtherNamesBeyondTheSetsOwnAndClose() {
        assertThat(HOPS.alsoListedIn(null)).isNull();
        assertThat(HOPS.alsoListedIn("keep-alive")).isNull();
        assertThat(HOPS.alsoListedIn("Close")).isNull();
        assertThat(HOPS.alsoListedIn(" , ,")).isNull();
        assertThat(HOPS.alsoListedIn("Keep-Alive, X-Secret ,x-other,TE")).containsExactly("X-Secret", "x-other");
    }

    @Test
    void listedNamesMatchInAnyCaseAndNullListsNothing() {
        assertThat(HeaderNameSet.listed(HOPS.alsoListedIn("x-secret"), "X-SECRET")).isTrue();
        assertThat(HeaderNameSet.listed(HOPS.alsoListedIn("x-secret"), "x-secrets")).isFalse();
        assertThat(HeaderNameSet.listed(null, "x-secret")).isFalse();
    }
}
