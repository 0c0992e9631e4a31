package io.llmrelay.server.cli;

import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.endpoint.Reloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --watch-config}: reloads the configuration when the config file, or a filter or mapping
 * file it names, changes. It polls: every interval it reads the files and compares a digest of their
 * bytes with the last it acted on, and acts on a change once the files have held still for one
 * interval, so a file caught half-written is not reloaded. Polling rather than a {@code WatchService}
 * sees in-place writes, an editor's rename over the file and a Kubernetes ConfigMap's symlink swap
 * alike, on any file system, for a read of a few small files every couple of seconds. Runs on a thread
 * of its own; the reload itself runs on the reload thread.
 */
final class ConfigWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);

    private final Reloader reloader;
    private final Supplier<List<Path>> files;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "llm-relay-config-watch");
        t.setDaemon(true);
        return t;
    });
    /** the files' digest the proxy runs with (or was last asked to reload) */
    private byte[] acted;
    /** a digest seen once that differs from {@link #acted}: reloaded if the next poll sees it again */
    private byte[] changing;

    /** @param files the files to watch, asked at each poll (a reload may name other filter or mapping files) */
    private ConfigWatch(Reloader reloader, Supplier<List<Path>> files) {
        this.reloader = reloader;
        this.files = files;
        this.acted = digest(files.get());
    }

    /** Watches {@code files}, polling every {@code interval}. */
    static ConfigWatch start(Reloader reloader, Supplier<List<Path>> files, Duration interval) {
        ConfigWatch watch = new ConfigWatch(reloader, files);
        watch.thread.scheduleWithFixedDelay(watch::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return watch;
    }

    /** The config file and the filter and mapping files the running configuration names. */
    static List<Path> filesOf(Path configFile, RelayServer server) {
        List<Path> out = new ArrayList<>(3);
        out.add(configFile);
        ModelsConfig models = server.relay().fleet().config().models();
        if (models.filterFile() != null) {
            out.add(models.filterFile());
        }
        if (models.mappingFile() != null) {
            out.add(models.mappingFile());
        }
        return out;
    }

    private void poll() {
        try {
            byte[] now = digest(files.get());
            if (Arrays.equals(now, acted)) {
                changing = null; // changed and changed back
                return;
            }
            if (!Arrays.equals(now, changing)) {
                changing = now; // wait until it holds still
                return;
            }
            acted = now;
            changing = null;
            reloader.reload("the config file changed");
        } catch (RuntimeException e) { // a failed poll must not end the watch
            LOG.warn("watching the config file: {}", e.toString());
        }
    }

    /** SHA-256 over each file's bytes in turn; a file that is missing or unreadable counts as its own value. */
    private static byte[] digest(List<Path> files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has it
        }
        for (Path file : files) {
            sha.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                sha.update((byte) 1);
                sha.update(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                sha.update((byte) 2);
            } catch (IOException e) {
                sha.update((byte) 3);
            }
        }
        return sha.digest();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
