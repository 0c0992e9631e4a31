package io.llmrelay.server.demo;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A fault the demo backend can inject into its answers, to show how a proxy copes with a backend
 * that dies, stalls, sheds load or sends garbage ({@code mock-backend --fault MODE},
 * {@code POST /__fault}, {@link DemoBackend#fault(FaultPlan)}). docs/RELIABILITY.md says what each
 * one puts on the wire.
 */
public enum Fault {
    /** No fault: the answer as the demo always gives it. */
    NONE("none"),
    /** The connection is reset (RST) the moment it is accepted, or, for a request already read, at once. */
    REFUSE("refuse"),
    /** The request is read, then the connection is reset without a byte of answer. */
    RESET_BEFORE_HEADERS("reset-before-headers"),
    /** The answer starts (head and a few events, or half a body), then the connection is reset. */
    RESET_MID_STREAM("reset-mid-stream"),
    /** The request is read and nothing is ever sent; the connection stays open until the client leaves. */
    STALL_BEFORE_FIRST_BYTE("stall-before-first-byte"),
    /** The answer starts (head and a few events, or half a body), then nothing; the connection stays open. */
    STALL_MID_STREAM("stall-mid-stream"),
    /** A stream carries one event whose {@code data:} is not JSON, then the rest; a whole answer is cut JSON. */
    MALFORMED_SSE("malformed-sse"),
    /** A stream carries one event tens of MiB long (a whole answer, a field as long), written piece by piece. */
    OVERSIZE_EVENT("oversize-event"),
    /** 500 with an OpenAI error body. */
    STATUS_500("500"),
    /** 429 with an OpenAI error body and {@code Retry-After}. */
    STATUS_429("429"),
    /** 503 with an OpenAI error body and {@code Retry-After}. */
    STATUS_503("503"),
    /** The head at once, then the body one byte per drip interval. */
    SLOW_DRIP("slow-drip"),
    /** 200 with {@code Content-Type: text/html} and an HTML page instead of the API's answer. */
    WRONG_CONTENT_TYPE("wrong-content-type");

    private final String wireName;

    Fault(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the command line and in {@code /__fault}: {@code reset-mid-stream}, {@code 503}, … */
    public String wireName() {
        return wireName;
    }

    /**
     * The fault with this wire name.
     *
     * @throws IllegalArgumentException naming the modes there are
     */
    public static Fault parse(String name) {
        for (Fault f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault mode '" + name + "' (one of: " + names() + ")");
    }

    /** Every wire name, comma-separated, for help texts and error messages. */
    public static String names() {
        return Arrays.stream(values()).map(Fault::wireName).collect(Collectors.joining(", "));
    }

    /**
     * Whether the fault reshapes the answer the demo would give (cuts it, stalls it, drips it, pads
     * it) rather than putting something else in its place.
     */
    boolean shapesAnswer() {
        return this == RESET_MID_STREAM || this == STALL_MID_STREAM || this == MALFORMED_SSE || this == OVERSIZE_EVENT
                || this == SLOW_DRIP;
    }
}
