package io.llmrelay.server.fuzz;

import static io.llmrelay.server.fuzz.Draw.weight;

import java.util.List;

/**
 * What a fuzzed request presents as a key: nothing, a valid key in either header, a key limited to
 * some models, the admin key, or something wrong in one of the ways a client gets it wrong. Against
 * the keyed proxy these reach 401 and 403; against the open one they must change nothing.
 */
enum Credentials {
    NONE(),
    BEARER_ALL("Authorization: Bearer " + FuzzTarget.ALL_KEY),
    X_API_KEY_ALL("x-api-key: " + FuzzTarget.ALL_KEY),
    LOWER_CASE_SCHEME("authorization: bearer " + FuzzTarget.ALL_KEY),
    LIMITED("Authorization: Bearer " + FuzzTarget.LIMITED_KEY),
    ADMIN("x-api-key: " + FuzzTarget.ADMIN_KEY),
    WRONG("Authorization: Bearer fuzz-wrong-0000-guess"),
    CONFLICTING("Authorization: Bearer " + FuzzTarget.ALL_KEY, "x-api-key: " + FuzzTarget.LIMITED_KEY),
    TWO_BEARERS("Authorization: Bearer " + FuzzTarget.ALL_KEY, "Authorization: Bearer " + FuzzTarget.LIMITED_KEY),
    EMPTY_BEARER("Authorization: Bearer "),
    BASIC("Authorization: Basic ZnV6ejpmdXp6"),
    HUGE("Authorization: Bearer " + "k".repeat(12_000)),
    LATIN1("x-api-key: cl\u00e9-\u00ff\u00fe");

    private final List<String> headerLines;

    Credentials(String... headerLines) {
        this.headerLines = List.of(headerLines);
    }

    /** Mostly a key that gets the request through, so that what follows the gate is fuzzed too. */
    static Credentials draw(Draw d) {
        return d.weighted(weight(6, () -> d.pick(BEARER_ALL, X_API_KEY_ALL, LOWER_CASE_SCHEME)),
                weight(1, () -> LIMITED), weight(2, () -> d.pick(Credentials.class)));
    }

    /** The header lines to send, each without its CRLF (ISO-8859-1 on the wire). */
    List<String> headerLines() {
        return headerLines;
    }
}
