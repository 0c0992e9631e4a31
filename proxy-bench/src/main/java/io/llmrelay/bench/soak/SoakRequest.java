package io.llmrelay.bench.soak;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request of a soak: what is sent, what a complete answer must say, and whether (and when) the
 * client walks away from it.
 *
 * @param number from 0, in the order the mix drew them
 * @param kind route, API and shape
 * @param model the model asked for
 * @param prompt the prompt (or embedding input); it carries the request's number, so an answer
 *     meant for another request is caught
 * @param maxTokens the reply's cap in tokens; 0: none
 * @param disconnect when the client closes the connection mid-answer; null: it reads to the end
 */
record SoakRequest(long number, RequestKind kind, String model, String prompt, int maxTokens, Disconnect disconnect) {

    /** How the demo backend cuts a reply into the tokens it streams: each word with the space after it. */
    private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");

    /**
     * When a client gives up on its answer: after {@code afterPieces} pieces of the body have arrived
     * (0: as soon as the head has), or {@code afterMillis} after sending, whichever the plan names.
     */
    record Disconnect(int afterPieces, int afterMillis) {
        static Disconnect afterPieces(int pieces) {
            return new Disconnect(pieces, -1);
        }

        static Disconnect afterMillis(int millis) {
            return new Disconnect(-1, millis);
        }

        boolean timed() {
            return afterMillis >= 0;
        }
    }

    byte[] body() {
        return kind.body(model, prompt, maxTokens).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The text of a complete chat or generate answer: the demo backend's reply to the prompt
     * (proxy-server's {@code DemoModels.reply}; the soak runs against that backend only), its first
     * {@code maxTokens} tokens when capped.
     */
    String expectedText() {
        String reply = "Hello! This is the llm-relay demo model. You said: \"" + prompt + "\". "
                + "Start llm-relay with --backend URL to talk to a real model.";
        if (maxTokens <= 0) {
            return reply;
        }
        Matcher m = TOKEN.matcher(reply);
        int end = 0;
        for (int i = 0; i < maxTokens && m.find(); i++) {
            end = m.end();
        }
        return reply.substring(0, end);
    }
}
