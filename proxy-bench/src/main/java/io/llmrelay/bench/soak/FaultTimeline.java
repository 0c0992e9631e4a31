package io.llmrelay.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults one backend was told to inject, in order, each with the interval in which it took
 * effect (from sending {@code POST /__fault} to its answer; exactly when within it the backend
 * switched is unknown). A switch is entered before its request is sent and its end filled in when
 * the answer is back, so an answer judged while the switch is under way already sees it. Written
 * by the fault switcher's thread, read by the client's loop.
 */
final class FaultTimeline {

    /** Not answered yet: the switch may take effect at any time from its sending on. */
    private static final long PENDING = Long.MAX_VALUE;

    private static final class Switch {
        final long sentNanos;
        final String mode;
        long doneNanos = PENDING;

        Switch(long sentNanos, String mode) {
            this.sentNanos = sentNanos;
            this.mode = mode;
        }
    }

    private final List<Switch> switches = new ArrayList<>();

    /** Starts with {@code mode} in force from the beginning of time (the backend's start-up fault). */
    FaultTimeline(String mode) {
        Switch initial = new Switch(Long.MIN_VALUE, mode);
        initial.doneNanos = Long.MIN_VALUE;
        switches.add(initial);
    }

    /** A switch to {@code mode} about to be sent, at {@code sentNanos}; returns its number for {@link #answered}. */
    synchronized int sending(long sentNanos, String mode) {
        switches.add(new Switch(sentNanos, mode));
        return switches.size() - 1;
    }

    /** Switch {@code number} was answered (or given up on) at {@code doneNanos}. */
    synchronized void answered(int number, long doneNanos) {
        switches.get(number).doneNanos = doneNanos;
    }

    /**
     * Whether {@code mode} may have been in force at some moment between {@code from} and
     * {@code to}: a switch to it sent no later than {@code to}, and the next switch (if any)
     * answered no earlier than {@code from}.
     */
    synchronized boolean mayHaveHad(String mode, long from, long to) {
        int last = lastSentBy(to);
        for (int i = last; i >= 0; i--) {
            Switch s = switches.get(i);
            if (i + 1 < switches.size() && switches.get(i + 1).doneNanos < from) {
                return false; // this one, and every earlier one, was replaced before the interval began
            }
            if (s.mode.equals(mode)) {
                return true;
            }
        }
        return false;
    }

    /** The modes in force, possibly, between {@code from} and {@code to}, oldest first. */
    synchronized List<String> modesBetween(long from, long to) {
        List<String> modes = new ArrayList<>();
        for (int i = lastSentBy(to); i >= 0; i--) {
            if (i + 1 < switches.size() && switches.get(i + 1).doneNanos < from) {
                break;
            }
            modes.add(0, switches.get(i).mode);
        }
        return modes;
    }

    /**
     * The switches sent within {@code margin} of {@code t}, each with its send and answer times in
     * milliseconds from {@code t}: {@code 503@-1200..-1195ms}, for a report.
     */
    synchronized String around(long t, long margin) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < switches.size(); i++) {
            Switch s = switches.get(i);
            if (Math.abs(s.sentNanos - t) <= margin) {
                out.append(out.length() == 0 ? "" : ", ").append(s.mode).append('@')
                        .append((s.sentNanos - t) / 1_000_000).append("..")
                        .append(s.doneNanos == PENDING ? "?" : Long.toString((s.doneNanos - t) / 1_000_000)).append("ms");
            }
        }
        return out.length() == 0 ? "(none within " + margin / 1_000_000 + " ms)" : out.toString();
    }

    /** The index of the last switch sent at or before {@code t} (binary search: sends are in order). */
    private int lastSentBy(long t) {
        int lo = 0;
        int hi = switches.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (switches.get(mid).sentNanos <= t) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    synchronized int switches() {
        return switches.size() - 1;
    }
}
