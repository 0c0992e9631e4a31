package io.llmrelay.core.balance;

/**
 * What {@link BackendGroup#select} decided: a member whose slot is already taken (the caller gives it
 * back with {@code member.stats().release()} when the attempt ends), or why there is none. Instances
 * are built with the group, so a selection allocates nothing.
 *
 * @param <T> the server's backend type
 */
public final class Selection<T extends Balanced> {

    /** The three answers a selection can give. */
    public enum Result {
        /** a member was chosen and its slot taken */
        CHOSEN,
        /** every member is excluded (tried already, or unhealthy): nothing can serve the request */
        NONE_ELIGIBLE,
        /** some member could serve, but every such member is at its {@code max_concurrency}: a 503 with Retry-After */
        AT_CAPACITY
    }

    @SuppressWarnings("rawtypes")
    private static final Selection NONE_ELIGIBLE = new Selection<>(Result.NONE_ELIGIBLE, null, false);
    @SuppressWarnings("rawtypes")
    private static final Selection AT_CAPACITY = new Selection<>(Result.AT_CAPACITY, null, false);

    private final Result result;
    private final T member;
    private final boolean pinned;

    private Selection(Result result, T member, boolean pinned) {
        this.result = result;
        this.member = member;
        this.pinned = pinned;
    }

    static <T extends Balanced> Selection<T> chosen(T member, boolean pinned) {
        return new Selection<>(Result.CHOSEN, member, pinned);
    }

    @SuppressWarnings("unchecked")
    static <T extends Balanced> Selection<T> noneEligible() {
        return NONE_ELIGIBLE;
    }

    @SuppressWarnings("unchecked")
    static <T extends Balanced> Selection<T> atCapacity() {
        return AT_CAPACITY;
    }

    public Result result() {
        return result;
    }

    public boolean isChosen() {
        return result == Result.CHOSEN;
    }

    /** The chosen member, its slot taken. */
    public T member() {
        if (member == null) {
            throw new IllegalStateException("no member was chosen: " + result);
        }
        return member;
    }

    /** True when the sticky key chose the member (rather than the strategy). */
    public boolean pinned() {
        return pinned;
    }

    @Override
    public String toString() {
        return member == null ? result.name() : result + " " + member.name() + (pinned ? " (pinned)" : "");
    }
}
