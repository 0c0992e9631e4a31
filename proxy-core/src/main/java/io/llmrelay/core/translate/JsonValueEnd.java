package io.llmrelay.core.translate;

/**
 * Follows a JSON text fed piece by piece and tells when its top-level object or array has closed:
 * strings (and their escapes) are skipped, brackets counted. Not a validator: it only answers "could
 * more of this value still come?", which is all a stream of tool-call arguments needs to decide that
 * a call is finished. O(1) state, each character looked at once.
 */
final class JsonValueEnd {

    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean closed;
    private boolean trailing;

    void feed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (closed) {
                trailing |= !Character.isWhitespace(c);
            } else if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                closed = --depth == 0;
            }
        }
    }

    /** True once the value has closed and nothing but white space followed it. */
    boolean closed() {
        return closed && !trailing;
    }
}
