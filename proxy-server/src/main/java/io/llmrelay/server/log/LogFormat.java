package io.llmrelay.server.log;

/** Which log format is in use, for code that words its lines differently per format. */
public final class LogFormat {

    private static volatile boolean json = true;

    private LogFormat() {}

    /** Set once by the command line before serving. */
    public static void json(boolean isJson) {
        json = isJson;
    }

    /** True when lines are JSON objects: fields are members, so the message need not repeat them. */
    public static boolean json() {
        return json;
    }
}
