package io.llmrelay.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a process's log files after the fact: Netty's leak reports ({@code LEAK:}, logged by
 * {@code io.netty.util.ResourceLeakDetector} at ERROR, which llm-relay writes as JSON lines to
 * stdout; stderr is read too, for a JVM that logs there), the other ERROR lines, and a tail for a
 * report. Read line by line: an access log of a million requests is never held whole.
 */
final class LogScan {

    static final String LEAK_MARK = "LEAK:";
    private static final int KEPT = 5;

    final long lines;
    final long leaks;
    final long errors;
    /** The first few leak reports, then the first few other ERROR lines (each cut to 2,000 characters). */
    final List<String> leakExamples;
    final List<String> errorExamples;

    private LogScan(long lines, long leaks, long errors, List<String> leakExamples, List<String> errorExamples) {
        this.lines = lines;
        this.leaks = leaks;
        this.errors = errors;
        this.leakExamples = leakExamples;
        this.errorExamples = errorExamples;
    }

    static LogScan of(Path... files) throws IOException {
        long lines = 0;
        long leaks = 0;
        long errors = 0;
        List<String> leakExamples = new ArrayList<>();
        List<String> errorExamples = new ArrayList<>();
        for (Path file : files) {
            if (!Files.exists(file)) {
                continue;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines++;
                    if (line.contains(LEAK_MARK)) {
                        leaks++;
                        keep(leakExamples, line);
                    } else if (isError(line)) {
                        errors++;
                        keep(errorExamples, line);
                    }
                }
            }
        }
        return new LogScan(lines, leaks, errors, leakExamples, errorExamples);
    }

    /** An ERROR line: the JSON log's {@code "level":"ERROR"}, or a text log's or a JVM's own. */
    private static boolean isError(String line) {
        return line.contains("\"level\":\"ERROR\"") || line.contains(" ERROR ") || line.startsWith("Exception in thread");
    }

    private static void keep(List<String> examples, String line) {
        if (examples.size() < KEPT) {
            examples.add(line.length() > 2000 ? line.substring(0, 2000) + "…" : line);
        }
    }

    /** The last {@code n} lines of a file (a header naming it first), read from its end; "" when it is empty or missing. */
    static String tail(Path file, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length == 0) {
                return "";
            }
            int size = (int) Math.min(length, 64 * 1024);
            byte[] end = new byte[size];
            f.seek(length - size);
            f.readFully(end);
            String[] lines = new String(end, StandardCharsets.UTF_8).split("\n");
            StringBuilder out = new StringBuilder("--- last lines of ").append(file).append('\n');
            for (int i = Math.max(size < length ? 1 : 0, lines.length - n); i < lines.length; i++) {
                out.append(lines[i]).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            return "";
        }
    }
}
