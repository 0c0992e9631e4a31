package io.llmrelay.core.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mapping between backend model ids ({@code openai/gpt-4o}, {@code Qwen/Qwen3-8B}) and Ollama
 * names ({@code name[:tag]}, where {@code /} reads as a namespace). A backend id is listed as itself
 * plus {@code :latest} when it has no tag; a request may name it with or without that tag, in any case.
 */
public final class ModelNames {

    private static final String LATEST = ":latest";
    private static final Pattern FAMILY = Pattern.compile("^[a-z]+\\d*");
    private static final Pattern PARAMETERS = Pattern.compile("(?i)(?:^|[^a-z0-9.])((?:\\d+x)?\\d+(?:\\.\\d+)?[bm])(?![a-z0-9])");

    private ModelNames() {}

    /** The name an Ollama list shows: the id with {@code :latest} added when it has no tag. */
    public static String ollamaName(String backendId) {
        return hasTag(backendId) ? backendId : backendId + LATEST;
    }

    /** True when an Ollama client naming {@code requested} means the backend model {@code backendId}. */
    public static boolean matches(String requested, String backendId) {
        if (requested.equalsIgnoreCase(backendId)) {
            return true;
        }
        return !hasTag(backendId) && requested.length() == backendId.length() + LATEST.length()
                && requested.regionMatches(true, 0, backendId, 0, backendId.length())
                && requested.regionMatches(true, backendId.length(), LATEST, 0, LATEST.length());
    }

    /** The id to send upstream when no model list is at hand: a {@code :latest} tag is Ollama's, not the backend's. */
    public static String withoutLatestTag(String requested) {
        return requested.regionMatches(true, requested.length() - LATEST.length(), LATEST, 0, LATEST.length())
                ? requested.substring(0, requested.length() - LATEST.length())
                : requested;
    }

    /** A stable 64-hex digest for a model (no {@code sha256:} prefix, as Ollama lists show it). */
    public static String digest(String backendId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(backendId.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** A model family guessed from the id's last segment ({@code Qwen/Qwen3-8B} → {@code qwen3}), or "". */
    public static String family(String backendId) {
        Matcher m = FAMILY.matcher(baseName(backendId).toLowerCase(Locale.ROOT));
        return m.find() ? m.group() : "";
    }

    /** A parameter size found in the id ({@code Qwen3-0.6B} → {@code 0.6B}) or its tag ({@code qwen3:8b} → {@code 8B}), or "". */
    public static String parameterSize(String backendId) {
        Matcher m = PARAMETERS.matcher(baseName(backendId));
        if (!m.find()) {
            String last = backendId.substring(backendId.lastIndexOf('/') + 1);
            int colon = last.indexOf(':');
            m = PARAMETERS.matcher(colon < 0 ? "" : last.substring(colon + 1));
            if (!m.find()) {
                return "";
            }
        }
        String size = m.group(1); // only the unit is upper-cased: Mixtral-8x7b → 8x7B
        return size.substring(0, size.length() - 1) + Character.toUpperCase(size.charAt(size.length() - 1));
    }

    private static String baseName(String id) {
        String last = id.substring(id.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        return colon < 0 ? last : last.substring(0, colon);
    }

    private static boolean hasTag(String id) {
        return id.indexOf(':', id.lastIndexOf('/') + 1) >= 0;
    }
}
