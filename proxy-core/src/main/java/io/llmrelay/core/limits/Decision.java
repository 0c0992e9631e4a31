package io.llmrelay.core.limits;

/**
 * A limit check's answer. Allowed: the request goes on, holding {@link #permit()} until its answer
 * ends. Limited: a 429 with {@code Retry-After} and {@code X-RateLimit-*} describing
 * {@link #limit()}. Unavailable: a 503 because the shared limits could not be consulted
 * ({@code redis_down: closed}).
 *
 * <p>The header numbers ({@link #hasHeaders()}):
 * <ul>
 *   <li>{@link #limitValue()}: {@code X-RateLimit-Limit}, the limit's size in its own unit: a request
 *       bucket's size ({@code burst}, or {@code rps} when no burst is set: the requests that may come
 *       at once), a concurrency cap, a key's tokens per minute;</li>
 *   <li>{@link #remaining()}: {@code X-RateLimit-Remaining}, what is left after this request
 *       (requests, slots or tokens; never negative);</li>
 *   <li>{@link #resetSeconds()}: {@code X-RateLimit-Reset}, whole seconds until the bucket is full
 *       again (a concurrency cap: 1, since a slot's return cannot be foreseen);</li>
 *   <li>{@link #retryAfterSeconds()}: {@code Retry-After} of a refusal, whole seconds (at least 1)
 *       until one request would pass; 0 for an allowed request.</li>
 * </ul>
 */
public final class Decision {

    public enum Verdict {
        ALLOWED, LIMITED, UNAVAILABLE
    }

    /** Allowed, no limit applies: the answer of a limiter with every limit off. Shared, holds nothing. */
    public static final Decision UNLIMITED = new Decision(Verdict.ALLOWED, null, null, 0, 0, 0, 0, Permit.NONE);

    private final Verdict verdict;
    private final Limit limit;
    private final String keyName;
    private final long limitValue;
    private final long remaining;
    private final long resetSeconds;
    private final long retryAfterSeconds;
    private final Permit permit;

    private Decision(Verdict verdict, Limit limit, String keyName, long limitValue, long remaining, long resetSeconds,
            long retryAfterSeconds, Permit permit) {
        this.verdict = verdict;
        this.limit = limit;
        this.keyName = keyName;
        this.limitValue = limitValue;
        this.remaining = Math.max(0, remaining);
        this.resetSeconds = resetSeconds;
        this.retryAfterSeconds = retryAfterSeconds;
        this.permit = permit;
    }

    /**
     * Allowed; {@code limit} (null: none) is the limit the headers describe.
     *
     * @param keyName the key's name, for a per-key limit's description; null otherwise
     */
    public static Decision allowed(Limit limit, String keyName, long limitValue, long remaining, long resetSeconds,
            Permit permit) {
        return new Decision(Verdict.ALLOWED, limit, keyName, limitValue, remaining, resetSeconds, 0, permit);
    }

    /** Refused by {@code limit}: a 429. {@code retryAfterSeconds} is raised to 1 if lower. */
    public static Decision limited(Limit limit, String keyName, long limitValue, long remaining, long resetSeconds,
            long retryAfterSeconds) {
        return new Decision(Verdict.LIMITED, limit, keyName, limitValue, remaining, Math.max(1, resetSeconds),
                Math.max(1, retryAfterSeconds), Permit.NONE);
    }

    /** The shared limits cannot be consulted and must not be guessed: a 503 with {@code Retry-After}. */
    public static Decision unavailable(long retryAfterSeconds) {
        return new Decision(Verdict.UNAVAILABLE, null, null, 0, 0, 0, Math.max(1, retryAfterSeconds), Permit.NONE);
    }

    public Verdict verdict() {
        return verdict;
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOWED;
    }

    /** The answer's status when refused: 429 or 503; 0 when allowed. */
    public int status() {
        return switch (verdict) {
            case ALLOWED -> 0;
            case LIMITED -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    /** The limit that refused, or that an allowed request's headers describe; null when none. */
    public Limit limit() {
        return limit;
    }

    /** True when the answer should carry {@code X-RateLimit-*} (a limit applies). */
    public boolean hasHeaders() {
        return limit != null;
    }

    /** {@code global rps}, {@code per_ip concurrent}, {@code key alice tokens_per_minute}; null when none. */
    public String limitName() {
        return limit == null ? null : limit.describe(keyName);
    }

    /** The key's name when {@link #limit()} is a per-key limit. */
    public String keyName() {
        return keyName;
    }

    public long limitValue() {
        return limitValue;
    }

    public long remaining() {
        return remaining;
    }

    public long resetSeconds() {
        return resetSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** What an allowed request holds; {@link Permit#NONE} for refusals and requests that hold nothing. */
    public Permit permit() {
        return permit;
    }

    /** The refusal's message for the error body; null when allowed. */
    public String message() {
        return switch (verdict) {
            case ALLOWED -> null;
            case LIMITED -> "rate limit exceeded (" + limitName() + "); retry after " + retryAfterSeconds + " s";
            case UNAVAILABLE -> "rate limits are shared through Redis, which cannot be reached (limits.redis_down: "
                    + "closed); retry after " + retryAfterSeconds + " s";
        };
    }

    @Override
    public String toString() {
        String v = verdict.name().toLowerCase(java.util.Locale.ROOT);
        if (limit == null) {
            return retryAfterSeconds > 0 ? v + " [retry after " + retryAfterSeconds + " s]" : v;
        }
        return v + " [" + limitName() + ": limit " + limitValue + ", remaining " + remaining + ", reset " + resetSeconds
                + " s" + (retryAfterSeconds > 0 ? ", retry after " + retryAfterSeconds + " s" : "") + "]";
    }
}
