package io.llmrelay.core.limits;

/**
 * What an allowed request holds until its answer ends: its concurrency slots, and the key whose
 * tokens its answer is charged to. Thread-safe; {@link #release()} gives the slots back once however
 * often it is called.
 */
public interface Permit {

    /** Holds nothing: for requests no concurrency or token limit applies to. */
    Permit NONE = new Permit() {
        @Override
        public void release() {}

        @Override
        public void charge(long promptTokens, long completionTokens) {}

        @Override
        public String toString() {
            return "Permit.NONE";
        }
    };

    /** The answer ended (or the request never reached a backend): the slots go back. Idempotent. */
    void release();

    /**
     * The answer's usage as the backend reported it: prompt plus completion tokens are taken from the
     * key's tokens-per-minute bucket (which may go below zero). Call it when the answer ends (before
     * {@link #release()}, though after it works too); negative counts are ignored.
     */
    void charge(long promptTokens, long completionTokens);
}
