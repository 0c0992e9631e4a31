package io.llmrelay.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code server:} section of the config file: what {@code serve}'s flags set. Each component is
 * null when the file does not set it, so flags and the environment can take precedence and the
 * defaults stay in one place (the command line).
 *
 * @param host address to listen on
 * @param port port to listen on
 * @param eventLoops I/O threads; 0 means one per core
 * @param maxRequestBytes largest accepted request body
 * @param logFormat {@code json} or {@code text}
 * @param logLevel e.g. {@code INFO}
 * @param healthInterval how often each backend is probed ({@code health.interval}, or {@code server.health_interval}
 *     where earlier files set it)
 * @param modelsRefresh how often each backend's model list is re-read
 * @param origins browser origins allowed besides Ollama's defaults; empty for none
 * @param connectTimeout opening a backend connection
 * @param upstreamIdleTimeout a backend silent this long fails the request
 * @param clientStallTimeout a client that takes nothing this long is dropped
 * @param drainTimeout on SIGTERM, how long running answers get to finish before they are cut off
 */
public record ServerConfig(String host, Integer port, Integer eventLoops, Integer maxRequestBytes, String logFormat,
        String logLevel, Duration healthInterval, Duration modelsRefresh, List<String> origins,
        Duration connectTimeout, Duration upstreamIdleTimeout, Duration clientStallTimeout, Duration drainTimeout) {

    public ServerConfig {
        origins = List.copyOf(origins);
    }

    /** The same settings with the probe interval given elsewhere in the file ({@code health.interval}). */
    ServerConfig withHealthInterval(Duration interval) {
        return new ServerConfig(host, port, eventLoops, maxRequestBytes, logFormat, logLevel, interval, modelsRefresh,
                origins, connectTimeout, upstreamIdleTimeout, clientStallTimeout, drainTimeout);
    }

    /** A file without a {@code server:} section. */
    public static ServerConfig none() {
        return new ServerConfig(null, null, null, null, null, null, null, null, List.of(), null, null, null, null);
    }
}
