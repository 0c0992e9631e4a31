package io.llmrelay.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.Limit;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalRateLimitsTest {

    private final EventLoopGroup loops = Transport.best().newGroup(1, "local-limits-test");

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private RateLimits create(Limits limits) {
        return RateLimits.create(limits, loops, Transport.best(), System::nanoTime);
    }

    @Test
    void withoutRedisTheLimitsArePerProcessAndAnsweredAtOnce() throws Exception {
        RateLimits r = create(new Limits(RateLimit.OFF, new RateLimit(1, 2, 0), KeyLimits.OFF, null, RedisDown.OPEN));
        assertThat(r).isInstanceOf(LocalRateLimits.class);
        assertThat(r.redisUp()).isEqualTo(-1);
        assertThat(r.redisErrors()).isZero();
        for (int i = 0; i < 2; i++) {
            CompletionStage<Decision> s = r.check("10.0.0.1", null, loops.next());
            assertThat(s.toCompletableFuture().isDone()).isTrue();
            assertThat(s.toCompletableFuture().get().allowed()).isTrue();
        }
        Decision refused = r.check("10.0.0.1", null, loops.next()).toCompletableFuture().get();
        assertThat(refused.limit()).isEqualTo(Limit.PER_IP_RPS);
        assertThat(r.counters().refused(Limit.PER_IP_RPS)).isEqualTo(1);
        r.close();
    }

    @Test
    void withEveryLimitOffEveryCheckIsOneSharedCompletedStage() throws Exception {
        RateLimits r = create(Limits.none());
        CompletionStage<Decision> first = r.check("10.0.0.1", null, loops.next());
        assertThat((Object) r.check("10.0.0.2", null, loops.next())).isSameAs(first);
        assertThat(first.toCompletableFuture().get()).isSameAs(Decision.UNLIMITED);
        assertThat(first.toCompletableFuture().complete(null)).as("callers cannot change the shared stage").isFalse();
        assertThat(r.check("10.0.0.3", null, loops.next()).toCompletableFuture().get()).isSameAs(Decision.UNLIMITED);
    }
}
