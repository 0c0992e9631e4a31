package io.llmrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench hot FILE.jfr}: a flat profile from a JFR recording's execution samples: the methods
 * at the top of the stack (self time), and the llm-relay methods on the stack (inclusive time),
 * each as a share of all samples of the threads matching {@code --thread}.
 */
@Command(name = "hot", mixinStandardHelpOptions = true, description = "Summarise the CPU samples of a JFR recording.")
final class HotCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The .jfr file.")
    Path file;

    @Option(names = "--top", defaultValue = "25", description = "Rows per table (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--thread", defaultValue = "relay", description = "Only threads whose name contains this (default ${DEFAULT-VALUE}).")
    String thread;

    @Option(names = "--package", defaultValue = "io.llmrelay", description = "Package for the inclusive table (default ${DEFAULT-VALUE}).")
    String ownPackage;

    @Option(names = "--out", description = "Write the summary (Markdown) here instead of standard output.")
    Path out;

    @Option(names = "--by-thread", description = "Also a table of every thread's share of all execution samples "
            + "(threads grouped by name with digits replaced by N), e.g. the event loops against the log writer.")
    boolean byThread;

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        int allSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            var t = e.getThread("sampledThread");
            if (t != null && t.getJavaName() != null) {
                allSamples++;
                threads.merge(t.getJavaName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
            }
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains(thread)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith(ownPackage) && seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("JFR execution samples of threads named *").append(thread).append("*: ").append(samples).append("\n\n");
        table(b, "Top of stack (self)", self, samples);
        table(b, "llm-relay methods on the stack (inclusive)", inclusive, samples);
        if (byThread) {
            b.append("JFR execution samples of all threads: ").append(allSamples).append("\n\n");
            table(b, "Thread (all samples)", threads, allSamples);
        }
        if (out != null) {
            Files.writeString(out, b.toString());
        } else {
            System.out.print(b);
        }
        return 0;
    }

    private void table(StringBuilder b, String title, Map<String, Integer> counts, int samples) {
        b.append("| ").append(title).append(" | share |\n|---|---:|\n");
        counts.entrySet().stream()
                .sorted((x, y) -> Integer.compare(y.getValue(), x.getValue()))
                .limit(top)
                .forEach(e -> b.append("| `").append(e.getKey()).append("` | ")
                        .append(String.format("%.1f %%", 100.0 * e.getValue() / Math.max(1, samples))).append(" |\n"));
        b.append('\n');
    }

    private static String name(RecordedFrame f) {
        var m = f.getMethod();
        if (m == null) {
            return "?";
        }
        String type = m.getType() == null ? "?" : m.getType().getName();
        return type + "." + m.getName();
    }
}
