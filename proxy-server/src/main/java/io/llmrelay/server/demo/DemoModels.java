package io.llmrelay.server.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo backend's two deterministic "models": a chat model that answers every prompt with the
 * same kind of sentence, token by token, and an embedding model that hashes words into a vector.
 * Same input, same output, every time.
 */
final class DemoModels {

    static final String CHAT_MODEL = "demo";
    static final String EMBEDDING_MODEL = "demo-embed";
    static final int CONTEXT_LENGTH = 8192;
    static final int EMBEDDING_SIZE = 64;

    private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");

    private DemoModels() {}

    /** The reply to a prompt. */
    static String reply(String prompt) {
        String said = prompt.strip().replaceAll("\\s+", " ");
        if (said.length() > 200) {
            said = said.substring(0, 200) + "...";
        }
        return "Hello! This is the llm-relay demo model. You said: \"" + said + "\". "
                + "Start llm-relay with --backend URL to talk to a real model.";
    }

    /** Splits text into the pieces streamed one per event: each word with its trailing space. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A rough token count, for usage: words. */
    static int countTokens(String text) {
        String s = text.strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    /** A deterministic embedding: each word adds ±1 to a hashed dimension (not normalised, like real servers). */
    static float[] embed(String text) {
        float[] v = new float[EMBEDDING_SIZE];
        for (String word : text.toLowerCase().split("\\W+")) {
            if (word.isEmpty()) {
                continue;
            }
            int h = fnv(word);
            v[Math.floorMod(h, EMBEDDING_SIZE)] += (h & 0x100) == 0 ? 1f : -1f;
        }
        if (allZero(v)) {
            v[0] = 1f;
        }
        return v;
    }

    private static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static int fnv(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }
}
