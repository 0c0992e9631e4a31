package io.llmrelay.server.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo backend's deterministic "models": chat models that answer every prompt with the same
 * kind of sentence, token by token, and embedding models that hash words into a vector. Same
 * input, same output, every time. By default there is one of each ({@code demo}, {@code demo-embed});
 * {@code mock-backend --models} names others, so that several mock backends can play a fleet.
 */
final class DemoModels {

    static final String CHAT_MODEL = "demo";
    static final String EMBEDDING_MODEL = "demo-embed";
    static final List<String> DEFAULT = List.of(CHAT_MODEL, EMBEDDING_MODEL);
    static final int CONTEXT_LENGTH = 8192;
    static final int EMBEDDING_CONTEXT_LENGTH = 512;
    static final int EMBEDDING_SIZE = 64;

    private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");

    private DemoModels() {}

    /**
     * Whether a model id names an embedding model: it contains "embed". The proxy guesses the same
     * from the id when a backend says nothing more, so the catalogue and the mock agree.
     */
    static boolean isEmbedding(String id) {
        return id.toLowerCase(Locale.ROOT).contains("embed");
    }

    /**
     * The model list a mock backend serves, checked: at least one id, none blank, none with white
     * space (an id a client could not type), none twice.
     */
    static List<String> checked(List<String> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("at least one model id is needed");
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (id.isBlank()) {
                throw new IllegalArgumentException("a model id is empty");
            }
            if (id.codePoints().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("model id '" + id + "' has white space in it");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("model id '" + id + "' is given twice");
            }
        }
        return List.copyOf(ids);
    }

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
