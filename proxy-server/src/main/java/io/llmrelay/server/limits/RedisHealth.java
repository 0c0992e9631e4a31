package io.llmrelay.server.limits;

import io.llmrelay.core.config.SecurityConfig.RedisDown;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, as the shared limits see it: up once a probe (a check of no limits) answered within
 * the deadline; down when the connection is lost, a command fails for want of it, or
 * {@value #MISSES_TO_DOWN} checks in a row had no answer within the deadline. Each transition is
 * logged once (the first state too); errors are counted. Thread-safe.
 */
final class RedisHealth {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHealth.class);

    static final int MISSES_TO_DOWN = 3;

    private static final int UNKNOWN = 0;
    private static final int UP = 1;
    private static final int DOWN = 2;

    private final String where;
    private final RedisDown policy;
    private final AtomicInteger state = new AtomicInteger(UNKNOWN);
    private final AtomicInteger misses = new AtomicInteger();
    private final LongAdder errors = new LongAdder();

    /** @param where the server as logs may show it (host:port, never a password) */
    RedisHealth(String where, RedisDown policy) {
        this.where = where;
        this.policy = policy;
    }

    boolean up() {
        return state.get() == UP;
    }

    void markUp() {
        misses.set(0);
        for (int s = state.get(); s != UP; s = state.get()) {
            if (state.compareAndSet(s, UP)) {
                LOG.info("Redis at {} answers: rate limits are shared with every replica using it", where);
                return;
            }
        }
    }

    void markDown(String why) {
        for (int s = state.get(); s != DOWN; s = state.get()) {
            if (state.compareAndSet(s, DOWN)) {
                LOG.warn("Redis at {} cannot be used ({}): {} until it is back", where, why,
                        policy == RedisDown.OPEN ? "rate limits are applied per process (redis_down: open)"
                                : "requests that need a shared limit are refused with 503 (redis_down: closed)");
                return;
            }
        }
    }

    /** A command failed. */
    void error() {
        errors.increment();
    }

    /** A check was answered in time. */
    void answered() {
        if (misses.get() != 0) {
            misses.set(0);
        }
    }

    /** A check had no answer within the deadline. */
    void missed() {
        errors.increment();
        if (misses.incrementAndGet() >= MISSES_TO_DOWN) {
            markDown(MISSES_TO_DOWN + " checks in a row had no answer within " + SharedRateLimits.DEADLINE.toMillis()
                    + " ms");
        }
    }

    /** {@code llm_relay_redis_up}: 1 or 0. */
    int gauge() {
        return up() ? 1 : 0;
    }

    /** {@code llm_relay_redis_errors_total}: failed commands and connections, lost connections, late answers. */
    long errors() {
        return errors.sum();
    }

    String where() {
        return where;
    }
}
