package io.llmrelay.core.limits;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import java.util.function.LongSupplier;

/**
 * The rate limits of one process ({@code limits:}): global, per client address and per key, each a
 * request bucket ({@code rps}, {@code burst}) and a concurrency cap ({@code concurrent}); per key also
 * tokens per minute. Thread-safe and lock-free: called from every event loop at once.
 *
 * <p>{@link #check} applies the limits narrowest first: the key's (tokens, then requests, then
 * concurrency), then the client address's, then the global ones. So one client's overuse is refused by
 * its own limit, never spends the budget everyone shares, and its 429 names the limit it controls.
 * What earlier limits took is given back when a later one refuses: a refused request holds nothing.
 *
 * <p>With every limit off a check reads two fields and returns {@link Decision#UNLIMITED}; a key
 * whose own limits are all 0 adds nothing to a check.
 *
 * <p>Per-address and per-key states live in {@link LimitStates}: bounded ({@code maxTracked} each;
 * past it, new subjects share one overflow state) and swept of full, idle entries by {@link #sweep()},
 * which the server calls on a schedule.
 */
public final class Limiter {

    /** Client addresses (and keys) tracked at once before new ones share the overflow state. */
    public static final int DEFAULT_MAX_TRACKED = 100_000;

    /** Tries on states a sweep is retiring before a check keeps the one it has (it never waits). */
    private static final int RETIRED_RETRIES = 8;

    private final Limits limits;
    private final LongSupplier clock;
    private final LimitCounters counters;
    private final LimitState global;
    private final KeyLimits perIp;
    private final LimitStates ips;
    private final LimitStates keys;

    public Limiter(Limits limits, LongSupplier nanoClock, LimitCounters counters, int maxTracked) {
        this.limits = limits;
        this.clock = nanoClock;
        this.counters = counters;
        long now = nanoClock.getAsLong();
        KeyLimits g = spec(limits.global());
        this.global = LimitState.active(g) ? new LimitState(Scope.GLOBAL, g, now) : null;
        KeyLimits ip = spec(limits.perIp());
        this.perIp = LimitState.active(ip) ? ip : null;
        this.ips = new LimitStates(Scope.PER_IP, maxTracked, now);
        this.keys = new LimitStates(Scope.PER_KEY, maxTracked, now);
    }

    public Limiter(Limits limits, LongSupplier nanoClock) {
        this(limits, nanoClock, new LimitCounters(), DEFAULT_MAX_TRACKED);
    }

    private static KeyLimits spec(RateLimit r) {
        return new KeyLimits(r.rps(), r.burst(), r.concurrent(), 0);
    }

    /**
     * Whether a request from {@code clientIp} with {@code key} (null: none was needed) may go on now.
     * Allowed: the decision's {@link Decision#permit()} is held until the answer ends. Refused: the
     * limit that refused and its header numbers; counted in {@link #counters()}.
     */
    public Decision check(String clientIp, ApiKey key) {
        KeyLimits keyLimits = key == null ? null : key.limits();
        boolean keyLimited = keyLimits != null && LimitState.active(keyLimits);
        boolean ipLimited = perIp != null && clientIp != null;
        if (!keyLimited && !ipLimited && global == null) {
            return Decision.UNLIMITED;
        }
        long now = clock.getAsLong();
        String keyName = keyLimited ? key.name() : null;
        LocalPermit permit = new LocalPermit(this, key);
        Decision refused = null;
        if (keyLimited) {
            refused = take(keys, key.name(), keyLimits, keyName, now, permit);
        }
        if (refused == null && ipLimited) {
            refused = take(ips, clientIp, perIp, null, now, permit);
        }
        if (refused == null && global != null) {
            refused = take(global, null, now, permit);
            if (refused == null) {
                permit.hold(global);
            }
        }
        if (refused != null) {
            permit.rollback();
            counters.count(refused);
            return refused;
        }
        return Decision.allowed(permit.headerLimit, keyName, permit.headerValue, permit.headerRemaining,
                permit.headerReset, permit.holdsAnything() ? permit : Permit.NONE);
    }

    /** Takes from {@code subject}'s state in {@code states}, looking again when a sweep retired it. */
    private static Decision take(LimitStates states, String subject, KeyLimits spec, String keyName, long now,
            LocalPermit permit) {
        for (int tries = 0; ; tries++) {
            LimitState s = states.get(subject, spec, now);
            Decision refused = take(s, keyName, now, permit);
            if (refused != null) {
                return refused;
            }
            if (!s.retired || tries >= RETIRED_RETRIES) {
                permit.hold(s);
                return null;
            }
            s.giveBack();
        }
    }

    /**
     * One subject's limits: tokens (only read), a request, a slot. Null when all passed (the caller
     * holds the takes), else the refusal (with this state's takes given back).
     */
    private static Decision take(LimitState s, String keyName, long now, LocalPermit permit) {
        if (s.tokens != null) {
            long wait = s.tokens.waitNanos(now);
            if (wait > 0) {
                return Decision.limited(Limit.PER_KEY_TOKENS, keyName, s.tokens.perMinute(), 0,
                        s.tokens.resetSeconds(now), Seconds.retryAfter(wait));
            }
        }
        long backlog = 0;
        if (s.requests != null) {
            backlog = s.requests.take(now);
            if (backlog < 0) {
                long wait = -backlog;
                return Decision.limited(Limit.requests(s.scope), keyName, s.requests.size(), 0,
                        RequestBucket.resetSeconds(s.requests.backlogOfRefusal(wait)), Seconds.retryAfter(wait));
            }
        }
        if (s.slots != null && !s.slots.tryTake()) {
            if (s.requests != null) {
                s.requests.giveBack();
            }
            return Decision.limited(Limit.concurrent(s.scope), keyName, s.slots.max(), 0, 1, 1);
        }
        if (s.requests != null) {
            permit.offer(Limit.requests(s.scope), s.requests.size(), s.requests.remaining(backlog),
                    RequestBucket.resetSeconds(backlog));
        }
        if (s.slots != null && s.slots.capped()) {
            permit.offer(Limit.concurrent(s.scope), s.slots.max(), s.slots.max() - s.slots.inFlight(), 1);
        }
        if (s.tokens != null) {
            permit.offer(Limit.PER_KEY_TOKENS, s.tokens.perMinute(), s.tokens.tokens(now), s.tokens.resetSeconds(now));
        }
        return null;
    }

    /**
     * Charges {@code tokens} to {@code key}'s tokens-per-minute bucket outside a permit (the Redis
     * limiter's answers that end while Redis is down). Nothing when the key has no such limit.
     */
    public void charge(ApiKey key, long tokens) {
        if (key == null || key.limits().tokensPerMinute() <= 0) {
            return;
        }
        long now = clock.getAsLong();
        for (int tries = 0; tries <= RETIRED_RETRIES; tries++) {
            LimitState s = keys.get(key.name(), key.limits(), now);
            if (s.tokens == null) {
                return;
            }
            s.tokens.charge(tokens, now);
            if (!s.retired) {
                return; // else a sweep took the state as it was charged: charge the one that replaced it
            }
        }
    }

    long now() {
        return clock.getAsLong();
    }

    /** Drops the per-address and per-key states that are full and idle; returns how many went. */
    public int sweep() {
        long now = clock.getAsLong();
        return ips.sweep(now) + keys.sweep(now);
    }

    /** True when some limit applies to a request from {@code clientIp} with {@code key} (else {@link #check} answers {@link Decision#UNLIMITED}). */
    public boolean appliesTo(String clientIp, ApiKey key) {
        return global != null || perIp != null && clientIp != null || key != null && LimitState.active(key.limits());
    }

    public Limits limits() {
        return limits;
    }

    public LimitCounters counters() {
        return counters;
    }

    /** Client addresses with a state now. */
    public int trackedAddresses() {
        return ips.size();
    }

    /** Keys with a state now. */
    public int trackedKeys() {
        return keys.size();
    }

    /** Checks that found the address (or key) map full and were limited in its shared overflow state. */
    public long overflowedChecks() {
        return ips.overflowed() + keys.overflowed();
    }
}
