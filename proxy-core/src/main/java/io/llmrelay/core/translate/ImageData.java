package io.llmrelay.core.translate;

import java.util.Base64;

/** Turns the raw base64 images Ollama clients send into the data URLs OpenAI content parts need. */
final class ImageData {

    private ImageData() {}

    /** A {@code data:<mime>;base64,} URL; a value that already is a data URL passes unchanged. */
    static String dataUrl(String base64) {
        if (base64.startsWith("data:")) {
            return base64;
        }
        return "data:" + sniff(base64) + ";base64," + base64;
    }

    /** The MIME type from the image's magic bytes; JPEG when unknown, as Ollama does. */
    static String sniff(String base64) {
        byte[] head = head(base64);
        if (startsWith(head, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(head, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (head.length >= 12 && startsWith(head, 'R', 'I', 'F', 'F')
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return "image/webp";
        }
        return "image/jpeg";
    }

    private static byte[] head(String base64) {
        // 16 base64 characters decode to the first 12 bytes: enough for every signature above
        String prefix = base64.length() >= 16 ? base64.substring(0, 16) : base64;
        try {
            return Base64.getMimeDecoder().decode(prefix);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static boolean startsWith(byte[] bytes, int... signature) {
        if (bytes.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
