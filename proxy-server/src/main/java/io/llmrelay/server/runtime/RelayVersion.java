package io.llmrelay.server.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The proxy's own version, and the Ollama version it reports to Ollama clients. */
public final class RelayVersion {

    /**
     * The Ollama version answered on {@code /api/version}: recent enough for every client gate we
     * know of (GitHub Copilot requires at least 0.6.4), and matching the API this proxy implements.
     */
    public static final String OLLAMA_COMPATIBLE = "0.12.3";

    private static final String VERSION = load();

    private RelayVersion() {}

    public static String version() {
        return VERSION;
    }

    public static String userAgent() {
        return "llm-relay/" + VERSION;
    }

    private static String load() {
        try (InputStream in = RelayVersion.class.getResourceAsStream("/llm-relay-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
