package io.llmrelay.core.limits;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.core.config.SecurityConfig.Auth;
import io.llmrelay.core.config.SecurityConfig.ClientKey;
import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.security.ApiKeys;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.llmrelay.core.security.KeyDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The local rate limiter's cost per request: one {@link Limiter#check} and the release of its permit
 * (what the server does per request with limits on), on the system nano clock.
 *
 * <ul>
 *   <li>{@code limitsOff}: every limit 0 (the default): the cost the limits add to a proxy that uses
 *       none. A shared decision, nothing allocated.</li>
 *   <li>{@code globalAndHotKey}: global rps and concurrency on, and one key (every request) with its
 *       own rps, concurrency and tokens per minute; the answer's tokens charged. Limits high enough
 *       that every request passes (the common case).</li>
 *   <li>{@code perIpManyAddresses}: per-address rps and concurrency over 65,536 client addresses in
 *       turn (a map lookup per request, the states spread over memory).</li>
 *   <li>{@code hotKeyRefused}: a key over its rate: the refusal's path (the 429's numbers).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class LimiterBenchmark {

    static final int ADDRESSES = 65_536;
    static final int HIGH = 10_000_000;

    static ApiKey key(String name, KeyLimits limits) {
        ApiKeys keys = ApiKeys.of(new Auth(
                List.of(new ClientKey(name, KeyDigest.of("bench-" + name), List.of("*"), limits, "bench")), null,
                "RELAY_API_KEYS"));
        return keys.find("bench-" + name);
    }

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Limiters {
        Limiter off;
        Limiter globalAndKey;
        Limiter perIp;
        Limiter refusing;
        ApiKey hot;
        ApiKey over;
        ApiKey unlimitedKey;
        String[] addresses;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            off = new Limiter(Limits.none(), System::nanoTime);
            globalAndKey = new Limiter(new Limits(new RateLimit(HIGH, HIGH, HIGH), RateLimit.OFF, KeyLimits.OFF, null,
                    RedisDown.OPEN), System::nanoTime);
            hot = key("hot", new KeyLimits(HIGH, HIGH, HIGH, 2_000_000_000));
            unlimitedKey = key("plain", KeyLimits.OFF);
            perIp = new Limiter(new Limits(RateLimit.OFF, new RateLimit(1000, 1000, 100), KeyLimits.OFF, null,
                    RedisDown.OPEN), System::nanoTime);
            addresses = new String[ADDRESSES];
            for (int i = 0; i < ADDRESSES; i++) {
                addresses[i] = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
                perIp.check(addresses[i], null).permit().release();
            }
            refusing = new Limiter(new Limits(RateLimit.OFF, RateLimit.OFF, KeyLimits.OFF, null, RedisDown.OPEN),
                    System::nanoTime);
            over = key("over", new KeyLimits(1, 1, 0, 0));
            refusing.check("10.0.0.1", over);
        }
    }

    @Benchmark
    public void limitsOff(Limiters s, Blackhole bh) {
        Decision d = s.off.check("10.0.0.1", s.unlimitedKey);
        d.permit().release();
        bh.consume(d);
    }

    @Benchmark
    public void globalAndHotKey(Limiters s, Blackhole bh) {
        Decision d = s.globalAndKey.check("10.0.0.1", s.hot);
        d.permit().charge(20, 30);
        d.permit().release();
        bh.consume(d);
    }

    @Benchmark
    public void perIpManyAddresses(Limiters s, Blackhole bh) {
        String address = s.addresses[s.next++ & (ADDRESSES - 1)];
        Decision d = s.perIp.check(address, null);
        d.permit().release();
        bh.consume(d);
    }

    @Benchmark
    public void hotKeyRefused(Limiters s, Blackhole bh) {
        bh.consume(s.refusing.check("10.0.0.1", s.over));
    }
}
