package io.llmrelay.core.balance;

import java.util.function.Predicate;

/**
 * The members one selection has passed over after choosing them (slow start, admission), as a
 * predicate that excludes them on top of the caller's. One per thread, reused, so choosing again
 * allocates nothing once the thread's arrays are big enough; a nested selection on the same thread
 * (a caller's predicate that selects) gets a fresh one.
 */
final class PassedOver implements Predicate<Object> {

    private static final ThreadLocal<PassedOver> OF_THREAD = ThreadLocal.withInitial(PassedOver::new);

    private Predicate<Object> excluded;
    private boolean inUse;
    private Object[] members = new Object[4];
    int[] indices = new int[4];
    boolean[] bySlowStart = new boolean[4];
    int count;

    @SuppressWarnings("unchecked")
    static PassedOver begin(Predicate<?> excluded, int groupSize) {
        PassedOver p = OF_THREAD.get();
        if (p.inUse) {
            p = new PassedOver();
        }
        p.inUse = true;
        p.excluded = (Predicate<Object>) excluded;
        p.count = 0;
        if (p.members.length < groupSize) {
            p.members = new Object[groupSize];
            p.indices = new int[groupSize];
            p.bySlowStart = new boolean[groupSize];
        }
        return p;
    }

    void add(Object member, int index, boolean slowStart) {
        members[count] = member;
        indices[count] = index;
        bySlowStart[count] = slowStart;
        count++;
    }

    /** Done with this selection: drops the references it held. */
    void end() {
        for (int k = 0; k < count; k++) {
            members[k] = null;
        }
        count = 0;
        excluded = null;
        inUse = false;
    }

    @Override
    public boolean test(Object member) {
        for (int k = 0; k < count; k++) {
            if (members[k] == member) {
                return true;
            }
        }
        return excluded.test(member);
    }
}
