package io.llmrelay.server.cli;

import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.server.ConfigReload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code serve} reloads: the config file, read by exactly the loading it started with (the same
 * loader, the same flags, the same environment: flags > environment > file > defaults), so a flag
 * given at start keeps its word over the file. The backends come from the file, or else from the flag
 * or environment that gave one at start, or else they are the built-in demo backend it started with.
 */
final class ServeConfigSource implements ConfigReload.Source {

    private final ServeSettings.Flags flags;
    private final Map<String, String> env;
    private final boolean interactive;
    private final ServeSettings running;
    /** the backends it serves when neither the file nor a flag gives one: the demo it started; empty if none */
    private final List<BackendConfig> demo;
    /** the log level in force: the start's, then each reload's (only the reload thread writes it) */
    private volatile String level;

    ServeConfigSource(ServeSettings.Flags flags, Map<String, String> env, boolean interactive, ServeSettings running,
            List<BackendConfig> demo) {
        this.flags = flags;
        this.env = env;
        this.interactive = interactive;
        this.running = running;
        this.demo = List.copyOf(demo);
        this.level = running.logLevel;
    }

    @Override
    public ConfigReload.Loaded load() {
        ServeSettings next = ServeSettings.resolve(flags, env, interactive);
        List<BackendConfig> backends = !next.fileBackends.isEmpty() ? next.fileBackends
                : next.backend != null ? List.of(next.backend.config())
                : demo;
        if (backends.isEmpty()) {
            throw new IllegalArgumentException(next.configFile + " lists no backends and no flag or environment "
                    + "variable gives one: a running proxy does not fall back to the demo backend");
        }
        List<String> restart = new ArrayList<>();
        if (!next.logFormat.equals(running.logFormat)) {
            restart.add("server.log_format");
        }
        if (next.logLevel.equals(level)) {
            return new ConfigReload.Loaded(next.relayConfig(backends), restart);
        }
        // the level is the root logger's, which logback lets change under a running proxy (DEBUG for a while)
        String was = level;
        String nextLevel = next.logLevel;
        return new ConfigReload.Loaded(next.relayConfig(backends), restart, List.of("server.log_level"), () -> {
            LogSetup.level(was, nextLevel);
            level = nextLevel;
        });
    }
}
