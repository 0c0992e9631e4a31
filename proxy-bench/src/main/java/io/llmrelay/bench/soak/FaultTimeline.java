package io.llmrelay.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults one backend was told to inject, in order, each with the interval in which it took
 * effect (from sending {@code POST /__fault} to its answer; exactly when within it the backend
 * switched is unknown). Written by the fault switcher's thread, read by the client's loop.
 */
final class FaultTimeline {

    private record Switch(long sentNanos, long doneNanos, String mode) {}

    private final List<Switch> switches = new ArrayList<>();

    /** Starts with {@code mode} in force from the beginning of time (the backend's start-up fault). */
    FaultTimeline(String mode) {
        switches.add(new Switch(Long.MIN_VALUE, Long.MIN_VALUE, mode));
    }

    /** A switch to {@code mode} sent at {@code sentNanos}, answered (or given up on) at {@code doneNanos}. */
    synchronized void switched(long sentNanos, long doneNanos, String mode) {
        switches.add(new Switch(sentNanos, doneNanos, mode));
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
