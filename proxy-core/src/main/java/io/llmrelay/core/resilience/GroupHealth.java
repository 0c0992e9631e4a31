package io.llmrelay.core.resilience;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Which of one model's backends may be routed to, applying the group rule of outlier ejection: never
 * more than {@code max_ejected_percent} of the group's backends ejected at once (rounded down, so a
 * model with one backend never loses it to an ejection). When more of them are ejected, the group
 * honours the earliest ejections and routes to the rest as if they were not ejected (at their reduced
 * slow-start share until their ejection would have ended). One per model group, beside its
 * {@code BackendGroup}; made by {@link FleetResilience#group}.
 *
 * <p>The server's filter for a selection is {@code member -> tried(member) || !routable(member, now)}
 * with one reading of the nano clock per selection; that check also refreshes the member's
 * slow-start share that the strategies then read ({@link BackendResilience#share()}).
 *
 * <p>Thread-safe. {@link #routable} of a member in good standing is one volatile read; otherwise the
 * member's own checks, and for an ejected member the group's earliest-first cut, computed once per
 * change of any ejection in the fleet (or when an honoured one runs out) and then read from a cached
 * value. Allocation only when the cut is computed again.
 */
public final class GroupHealth {

    /**
     * The ejection numbers up to {@code lastHonoured} are honoured, as of the ledger's {@code version},
     * until the first honoured ejection ends at {@code validUntil} (then the next in line is honoured).
     */
    private record Cut(long version, long lastHonoured, long validUntil) {}

    private final BackendResilience[] members;
    private final int allowed;
    private final EjectionLedger ledger;
    private final LongSupplier nanoClock;
    private volatile Cut cut = new Cut(-1, 0, 0);

    GroupHealth(List<BackendResilience> members, int maxEjectedPercent, EjectionLedger ledger, LongSupplier nanoClock) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one backend");
        }
        this.members = members.toArray(new BackendResilience[0]);
        this.allowed = this.members.length * maxEjectedPercent / 100;
        this.ledger = ledger;
        this.nanoClock = nanoClock;
    }

    /** True when {@code member} (one of this group's) may be chosen now. */
    public boolean routable(BackendResilience member) {
        return member.clean() || routable(member, nanoClock.getAsLong());
    }

    /**
     * {@link #routable(BackendResilience)} at {@code now}, the caller's reading of the nano clock: one
     * reading serves a whole selection.
     */
    public boolean routable(BackendResilience member, long now) {
        return member.clean() || member.routableApartFromEjection(now) && !ejected(member, now);
    }

    /** True when {@code member} is ejected and this group counts it so (within its cap). */
    public boolean ejected(BackendResilience member) {
        return ejected(member, nanoClock.getAsLong());
    }

    private boolean ejected(BackendResilience member, long now) {
        long number = member.ejection().number(now);
        if (number == 0 || allowed == 0) {
            return false;
        }
        return allowed >= members.length || number <= lastHonoured(now);
    }

    /** True when at least one member is routable now (what {@code /health/ready} asks of each model). */
    public boolean anyRoutable() {
        for (BackendResilience m : members) {
            if (routable(m)) {
                return true;
            }
        }
        return false;
    }

    /** How many of the group's backends may be ejected at once. */
    public int ejectionsAllowed() {
        return allowed;
    }

    /** Why {@code member} is not routable in this group, or null. */
    public String reason(BackendResilience member) {
        String reason = member.reason();
        long now = nanoClock.getAsLong();
        if (reason != null && member.routableApartFromEjection(now) && !ejected(member, now)) {
            return null; // ejected, but over the group's cap: routed to anyway
        }
        return reason;
    }

    private long lastHonoured(long now) {
        Cut c = cut;
        long version = ledger.version();
        if (c.version == version && now - c.validUntil < 0) {
            return c.lastHonoured;
        }
        // the version is read before the scan: an ejection that starts or ends during it makes the next call look again
        long[] numbers = new long[members.length];
        long[] ends = new long[members.length];
        int n = 0;
        for (BackendResilience m : members) {
            OutlierEjection e = m.ejection();
            long number = e.number(now);
            if (number != 0) {
                numbers[n] = number;
                ends[n++] = e.endsAt();
            }
        }
        long last = Long.MAX_VALUE;
        if (n > allowed) {
            long[] sorted = Arrays.copyOf(numbers, n);
            Arrays.sort(sorted);
            last = sorted[allowed - 1];
        }
        long validUntil = now + Long.MAX_VALUE / 2;
        for (int k = 0; k < n; k++) {
            if (numbers[k] <= last && ends[k] - validUntil < 0) {
                validUntil = ends[k];
            }
        }
        cut = new Cut(version, last, validUntil);
        return last;
    }
}
