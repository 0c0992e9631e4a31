package io.llmrelay.core.metrics;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JVM and process basics: heap, garbage collection, threads, direct memory, CPU, RSS. */
final class JvmMetrics {

    void writeTo(PrometheusText out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        out.family("jvm_memory_used_bytes", "gauge", "Used JVM memory by area.");
        out.sample("jvm_memory_used_bytes", heap.getUsed(), "area", "heap");
        out.sample("jvm_memory_used_bytes", nonHeap.getUsed(), "area", "nonheap");
        out.family("jvm_memory_committed_bytes", "gauge", "Committed JVM memory by area.");
        out.sample("jvm_memory_committed_bytes", heap.getCommitted(), "area", "heap");
        out.sample("jvm_memory_committed_bytes", nonHeap.getCommitted(), "area", "nonheap");
        out.family("jvm_memory_max_bytes", "gauge", "Maximum JVM heap (-1 when unbounded).");
        out.sample("jvm_memory_max_bytes", heap.getMax(), "area", "heap");

        out.family("jvm_gc_collections_total", "counter", "Garbage collections by collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.sample("jvm_gc_collections_total", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
        }
        out.family("jvm_gc_collection_seconds_total", "counter", "Time spent in garbage collection by collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.sample("jvm_gc_collection_seconds_total", Math.max(0, gc.getCollectionTime()) / 1e3, "gc", gc.getName());
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.family("jvm_threads_current", "gauge", "Live threads.");
        out.sample("jvm_threads_current", threads.getThreadCount());
        out.family("jvm_threads_daemon", "gauge", "Live daemon threads.");
        out.sample("jvm_threads_daemon", threads.getDaemonThreadCount());

        out.family("jvm_buffer_pool_used_bytes", "gauge", "Memory used by NIO buffer pools (direct, mapped).");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            out.sample("jvm_buffer_pool_used_bytes", pool.getMemoryUsed(), "pool", pool.getName());
        }
        long nettyDirect = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        if (nettyDirect >= 0) {
            out.family("netty_direct_memory_used_bytes", "gauge", "Direct memory Netty allocated outside the JDK's accounting.");
            out.sample("netty_direct_memory_used_bytes", nettyDirect);
        }

        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            out.family("process_cpu_seconds_total", "counter", "CPU time used by the process.");
            out.sample("process_cpu_seconds_total", ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9);
        }
        out.family("process_start_time_seconds", "gauge", "When the process started, in Unix seconds.");
        out.sample("process_start_time_seconds", ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3);
        long rss = residentBytes();
        if (rss >= 0) {
            out.family("process_resident_memory_bytes", "gauge", "Resident set size of the process.");
            out.sample("process_resident_memory_bytes", rss);
        }
    }

    /** VmRSS from /proc (Linux); -1 elsewhere. */
    private static long residentBytes() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
