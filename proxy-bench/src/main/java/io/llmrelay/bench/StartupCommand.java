package io.llmrelay.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench startup -- <command...>}: time from starting a process to its first 200 on a URL,
 * polled every 2 ms over a fresh connection; the process is then stopped (SIGTERM) and the next run
 * starts. Blocking is fine here: this is a plain main thread, no event loop.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Time from process start to the first 200 answer on --url, over several runs.")
final class StartupCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "Readiness URL, e.g. http://127.0.0.1:11434/")
    URI url;

    @Option(names = "--runs", defaultValue = "5", description = "Runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--limit-s", defaultValue = "60", description = "Give up on a run after this long (default ${DEFAULT-VALUE}).")
    int limitSeconds;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command that starts the server.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                long deadline = t0 + TimeUnit.SECONDS.toNanos(limitSeconds);
                boolean ready = false;
                while (System.nanoTime() < deadline && p.isAlive()) {
                    if (status() == 200) {
                        ready = true;
                        break;
                    }
                    Thread.sleep(2);
                }
                if (!ready) {
                    System.err.println("startup: no 200 from " + url + (p.isAlive() ? " in time" : ": the process exited"));
                    return 1;
                }
                millis.add((System.nanoTime() - t0) / 1e6);
            } finally {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
            Thread.sleep(200);
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        System.out.printf("startup to first 200: median %.0f ms, runs %s ms%n", median,
                Arrays.toString(millis.stream().mapToLong(Math::round).toArray()));
        if (json != null) {
            ObjectNode o = Json.NODES.objectNode();
            o.put("median_ms", median);
            ArrayNode all = o.putArray("runs_ms");
            millis.forEach(all::add);
            Files.createDirectories(json.toAbsolutePath().getParent());
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), o);
        }
        return 0;
    }

    /** The status of one GET, or -1 when nothing answers yet. */
    private int status() {
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(url.getHost(), port), 200);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            int n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    return -1;
                }
                n += r;
            }
            String line = new String(head, StandardCharsets.US_ASCII); // "HTTP/1.1 200"
            return Integer.parseInt(line.substring(9, 12));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
