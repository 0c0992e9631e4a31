package io.llmrelay.core.resilience;

/**
 * The retry decision after a failed attempt, in the order that spends least: the policy (nothing
 * committed, a listed kind, attempts left), then the {@link RetryBudget}, then the {@link Backoff}'s
 * pause. Which backend the retry goes to (another that serves the model, none already tried) is the
 * router's business. One per fleet; thread-safe.
 */
public final class Failover {

    /** {@link #retryDelayNanos}: the policy does not retry this failure (committed, kind not listed, no attempts left). */
    public static final long NOT_RETRIED = -1;
    /** {@link #retryDelayNanos}: the policy would retry, but the retry budget is spent. */
    public static final long OVER_BUDGET = -2;

    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final Backoff backoff;

    public Failover(RetryPolicy policy, RetryBudget budget, Backoff backoff) {
        this.policy = policy;
        this.budget = budget;
        this.backoff = backoff;
    }

    /** Counts a request towards the retry budget: call once per request, at its first attempt. */
    public void requestStarted() {
        budget.requestStarted();
    }

    /**
     * Whether to try the request again on another backend, and after how long. A non-negative answer
     * has taken a retry from the budget.
     *
     * @param attemptsMade attempts made so far, the failed one included (1 after the first)
     * @param committed whether anything of the answer reached the client
     * @return the pause in nanoseconds before the next attempt, or {@link #NOT_RETRIED} or {@link #OVER_BUDGET}
     */
    public long retryDelayNanos(FailureKind kind, int attemptsMade, boolean committed) {
        if (!policy.mayRetry(kind, attemptsMade, committed)) {
            return NOT_RETRIED;
        }
        if (!budget.tryRetry()) {
            return OVER_BUDGET;
        }
        return backoff.nanosBefore(attemptsMade);
    }

    public RetryPolicy policy() {
        return policy;
    }

    public RetryBudget budget() {
        return budget;
    }

    public Backoff backoff() {
        return backoff;
    }
}
