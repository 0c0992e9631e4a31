package io.llmrelay.server;

import io.llmrelay.core.config.ConfigException;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.endpoint.Reloader;
import io.llmrelay.server.endpoint.ReloadOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a running proxy's configuration from where it came from ({@link Source}: the config file,
 * read exactly as at start-up), one reload at a time, on a thread of its own: reading and checking
 * YAML never runs on an event loop. A configuration with any problem is refused whole, the running
 * one stays, and one log line lists every problem; a good one is applied by {@link RelayServer#reload}
 * and logged with what changed, and with a warning naming the settings that need a restart.
 * {@code POST /internal/reload} and SIGHUP both come here.
 */
public final class ConfigReload implements Reloader, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /** Reads the configuration again, as at start-up. Runs on the reload thread. */
    @FunctionalInterface
    public interface Source {
        /**
         * @throws ConfigException naming every problem of the file
         * @throws IllegalArgumentException when the settings cannot be used (they contradict each other, ...)
         */
        Loaded load();
    }

    /**
     * @param config the proxy's configuration as it would start with it now
     * @param restartNeeded settings outside {@code config} (the log format) whose value changed: they
     *     apply only at the next start
     * @param ownChanged settings outside {@code config} that changed and that the source applies itself
     *     ({@code server.log_level})
     * @param applyOwn applies them; runs once the proxy took the reload, never for a refused one
     */
    public record Loaded(RelayConfig config, List<String> restartNeeded, List<String> ownChanged, Runnable applyOwn) {

        public Loaded {
            restartNeeded = List.copyOf(restartNeeded);
            ownChanged = List.copyOf(ownChanged);
        }

        /** Nothing of the source's own changed. */
        public Loaded(RelayConfig config, List<String> restartNeeded) {
            this(config, restartNeeded, List.of(), () -> { });
        }
    }

    private final RelayServer server;
    private final Source source;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "llm-relay-reload");
        t.setDaemon(true); // a reload never holds the process up at exit
        return t;
    });

    private ConfigReload(RelayServer server, Source source) {
        this.server = server;
        this.source = source;
    }

    /** Makes {@code server} reload from {@code source} when asked ({@code POST /internal/reload}, {@link #reload}). */
    public static ConfigReload install(RelayServer server, Source source) {
        ConfigReload reload = new ConfigReload(server, source);
        server.relay().reloader(reload);
        return reload;
    }

    @Override
    public CompletableFuture<ReloadOutcome> reload(String trigger) {
        try {
            return CompletableFuture.supplyAsync(() -> run(trigger), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(ReloadOutcome.refused(List.of("llm-relay is stopping")));
        }
    }

    private ReloadOutcome run(String trigger) {
        LOG.info("Reloading the configuration ({})", trigger);
        Loaded loaded;
        try {
            loaded = source.load();
        } catch (ConfigException e) {
            List<String> problems = new ArrayList<>();
            e.problems().forEach(p -> problems.add(p.toString()));
            return refused(problems);
        } catch (IllegalArgumentException e) {
            return refused(List.of(e.getMessage()));
        }
        ReloadOutcome outcome;
        try {
            outcome = server.reload(loaded.config()).withRestartNeeded(loaded.restartNeeded());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused(List.of("the reload was interrupted"));
        } catch (RuntimeException e) {
            LOG.error("The configuration reload failed unexpectedly", e);
            return refused(List.of("the reload failed unexpectedly: " + e));
        }
        if (outcome.status() != ReloadOutcome.Status.RELOADED) {
            return refused(outcome.problems());
        }
        loaded.applyOwn().run();
        outcome = outcome.withSettings(loaded.ownChanged());
        LOG.info("Configuration reloaded: backends added {}, removed {}, changed {}; settings changed {}",
                outcome.added(), outcome.removed(), outcome.changed(), outcome.settings());
        if (!outcome.restartNeeded().isEmpty()) {
            LOG.warn("The reloaded configuration changes {}, which {} effect only at the next start: the running "
                    + "value stays until then", String.join(", ", outcome.restartNeeded()),
                    outcome.restartNeeded().size() == 1 ? "takes" : "take");
        }
        return outcome;
    }

    private static ReloadOutcome refused(List<String> problems) {
        LOG.error("Configuration reload refused, the running configuration stays: {}", String.join("; ", problems));
        return ReloadOutcome.refused(problems);
    }

    /** Stops taking reloads; one under way finishes or is abandoned with the proxy. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
