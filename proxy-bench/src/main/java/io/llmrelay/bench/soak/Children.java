package io.llmrelay.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes a soak starts (backends, proxy), each with its stdout and stderr in its own file.
 * Every one is stopped by {@link #close()}, which a shutdown hook also runs, so an exception or a
 * Ctrl-C leaves nothing behind. Only these processes are ever signalled, each by its own handle.
 */
final class Children implements AutoCloseable {

    /** One started process and where its output goes. */
    record Child(String name, Process process, Path out, Path err) {
        long pid() {
            return process.pid();
        }

        /**
         * Waits until a line of its stdout matches {@code pattern} and returns the line's first group.
         *
         * @throws IOException when the process exits first or the time is up, with its output's tail
         */
        String await(Pattern pattern, long timeoutMillis) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (System.nanoTime() < deadline) {
                if (Files.exists(out)) {
                    for (String line : new String(Files.readAllBytes(out), StandardCharsets.UTF_8).split("\n")) {
                        Matcher m = pattern.matcher(line);
                        if (m.find()) {
                            return m.group(1);
                        }
                    }
                }
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with status " + process.exitValue() + " before it was ready:\n"
                            + LogScan.tail(out, 20) + LogScan.tail(err, 20));
                }
                Thread.sleep(50);
            }
            throw new IOException(name + " was not ready within " + timeoutMillis + " ms:\n" + LogScan.tail(out, 20)
                    + LogScan.tail(err, 20));
        }
    }

    private final Path dir;
    private final List<Child> started = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "soak-children");

    Children(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized Child start(String name, List<String> command) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Child child = new Child(name, p, out, err);
        started.add(child);
        return child;
    }

    /** Stops one child: SIGTERM, then, if it has not exited within the grace period, SIGKILL. Returns its status. */
    static int stop(Child child, long graceMillis) throws InterruptedException {
        Process p = child.process();
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    private synchronized void stopAll() {
        for (Child child : started) {
            try {
                stop(child, 10_000);
            } catch (InterruptedException e) {
                child.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops the same processes
        }
    }
}
