package io.llmrelay.server.demo;

import java.util.Map;

/**
 * What the demo backend has served since it started, as {@code GET /__stats} shows it: tests and
 * the soak compare two snapshots.
 *
 * @param requests requests answered (or faulted), the control endpoints not counted
 * @param inferenceRequests of those, the POSTs to {@code /v1/chat/completions}, {@code /v1/completions}
 *     and {@code /v1/embeddings}
 * @param faults faults injected, by mode (every mode but {@link Fault#NONE}, zeros included); a
 *     connection refused at accept counts as one {@code refuse}
 * @param openConnections client connections open now
 * @param openStreams streamed answers open now (a stalled one stays open until its client leaves)
 */
public record DemoStats(long requests, long inferenceRequests, Map<Fault, Long> faults, int openConnections,
        int openStreams) {

    public DemoStats {
        faults = Map.copyOf(faults);
    }

    /** Faults of {@code mode} injected. */
    public long injected(Fault mode) {
        return faults.getOrDefault(mode, 0L);
    }

    /** Faults injected, every mode together. */
    public long faulted() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }
}
