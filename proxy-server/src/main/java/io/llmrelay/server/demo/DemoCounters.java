package io.llmrelay.server.demo;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The demo backend's live counts, updated from any event loop; {@link #snapshot()} reads them. */
final class DemoCounters {

    private final LongAdder requests = new LongAdder();
    private final LongAdder inferenceRequests = new LongAdder();
    private final AtomicLongArray faults = new AtomicLongArray(Fault.values().length);
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger openStreams = new AtomicInteger();

    void request(boolean inference) {
        requests.increment();
        if (inference) {
            inferenceRequests.increment();
        }
    }

    void faultInjected(Fault mode) {
        faults.incrementAndGet(mode.ordinal());
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    void streamStarted() {
        openStreams.incrementAndGet();
    }

    void streamEnded() {
        openStreams.decrementAndGet();
    }

    int openStreams() {
        return openStreams.get();
    }

    DemoStats snapshot() {
        Map<Fault, Long> byMode = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            if (f != Fault.NONE) {
                byMode.put(f, faults.get(f.ordinal()));
            }
        }
        return new DemoStats(requests.sum(), inferenceRequests.sum(), byMode, openConnections.get(), openStreams.get());
    }
}
