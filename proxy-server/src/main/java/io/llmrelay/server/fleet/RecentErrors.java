package io.llmrelay.server.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend's last few failed attempts, newest last, for {@code /internal/status}: what an operator
 * asks first when a backend is kept out. A small ring under a lock: written once per failed attempt
 * (rare, and a few stores), read per status request.
 */
public final class RecentErrors {

    /** One failed attempt: when, its outcome ({@code server_error}, {@code timeout}, ...), and what was said. */
    public record Entry(Instant at, String outcome, String message) {}

    private static final int KEPT = 8;
    /** beyond this a message is cut: a backend's error page is not a status report */
    private static final int MAX_MESSAGE = 300;

    private final Entry[] ring = new Entry[KEPT];
    private int next;
    private long total;

    public synchronized void add(Instant at, String outcome, String message) {
        String m = message == null ? "" : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
        ring[next] = new Entry(at, outcome, m);
        next = (next + 1) % KEPT;
        total++;
    }

    /** The kept entries, oldest first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(KEPT);
        for (int k = 0; k < KEPT; k++) {
            Entry e = ring[(next + k) % KEPT];
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** Failed attempts since start, kept or not. */
    public synchronized long total() {
        return total;
    }
}
