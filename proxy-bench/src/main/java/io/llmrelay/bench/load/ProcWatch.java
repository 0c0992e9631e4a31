package io.llmrelay.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a process (and its descendants, e.g. nginx's workers) from {@code /proc}: CPU time as
 * {@code utime + stime} from {@code /proc/<pid>/stat}, resident memory as {@code VmRSS} from
 * {@code /proc/<pid>/status}; and, for a JVM, its heap through {@code jcmd}.
 */
public final class ProcWatch {

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final long pid;
    private final long clockTicks;
    private final String jcmd;

    ProcWatch(long pid, long clockTicks) {
        this(pid, clockTicks, "jcmd");
    }

    /** {@code jcmd}: the tool of the JDK the watched JVM runs on (a Java 25 JVM is best read with Java 25's). */
    public ProcWatch(long pid, long clockTicks, String jcmd) {
        this.pid = pid;
        this.clockTicks = clockTicks;
        this.jcmd = jcmd;
    }

    long pid() {
        return pid;
    }

    private List<Long> pids() {
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
        return all;
    }

    /** CPU time used so far, in microseconds (summed over the process tree). */
    public long cpuMicros() {
        long ticks = 0;
        for (long p : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p), "stat"));
                // fields after the command name (which may hold spaces) start after the last ')'
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                // a worker that went away: its time is lost either way
            }
        }
        return ticks * 1_000_000L / clockTicks;
    }

    /**
     * CPU time used so far by the process's threads whose name starts with {@code prefix} (for
     * llm-relay its event loops, {@code relay-}), in microseconds: the kernel's account of the
     * threads that do all of a request's work, without the JVM's compiler and GC threads. Read
     * from {@code schedstat} (nanoseconds on the CPU), finer than the tick-based {@code stat}.
     */
    long threadCpuMicros(String prefix) {
        long nanos = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        nanos += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[0]);
                    }
                } catch (IOException | RuntimeException e) {
                    // a thread that ended: its time is lost either way
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return nanos / 1_000;
    }

    /**
     * CPU time so far of each group of the process's threads, in microseconds from {@code schedstat}:
     * threads are grouped by name with digits replaced by {@code N} ({@code relay-N-N} for llm-relay's
     * event loops, {@code log-writer}, {@code GC Thread#N}, {@code C2 CompilerThre}, ...). Names are
     * the kernel's {@code comm}, cut at 15 characters.
     */
    Map<String, Long> threadGroupMicros() {
        Map<String, Long> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
                    long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[0]);
                    groups.merge(name, nanos / 1_000, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // a thread that ended: its time is lost either way
                }
            }
        } catch (IOException e) {
            return groups;
        }
        return groups;
    }

    /** How many of the process's threads are named with {@code prefix} (llm-relay's event loops: relay-). */
    int threadCount(String prefix) {
        int n = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        n++;
                    }
                } catch (IOException | RuntimeException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    /** VmRSS in kB, summed over the process tree; -1 when unreadable. */
    public long rssKb() {
        long sum = 0;
        boolean any = false;
        for (long p : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                        any = true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return any ? sum : -1;
    }

    /** {used, committed} heap in kB from {@code jcmd <pid> GC.heap_info}, or null for a non-JVM. */
    public long[] heapKb() {
        String out = jcmd("GC.heap_info");
        if (out == null) {
            return null;
        }
        long used = 0;
        long committed = 0;
        boolean any = false;
        for (String line : out.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Metaspace") || t.startsWith("class space")) {
                continue;
            }
            Matcher m = HEAP.matcher(t);
            if (m.find()) {
                committed += Long.parseLong(m.group(1));
                used += Long.parseLong(m.group(2));
                any = true;
            }
        }
        return any ? new long[] {used, committed} : null;
    }

    /** {total, busy, steal} ticks of all CPUs from {@code /proc/stat}, or null. */
    static long[] systemTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {total, total - idle - steal, steal};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Forces a full collection (so the next heap reading is the live set). */
    public void gc() {
        jcmd("GC.run");
    }

    /** The output of {@code jcmd <pid> <command>}, or null when it failed. */
    public String jcmd(String command) {
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
