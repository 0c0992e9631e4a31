package io.llmrelay.core.resilience;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.balance.BackendGroup;
import io.llmrelay.core.balance.BackendStats;
import io.llmrelay.core.balance.Balanced;
import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The resilience part of the per-request path, for one model served by all 50 backends of a fleet
 * (the widest group: every check runs for every member): the selection with
 * {@link GroupHealth#routable} as its filter and the breaker's {@code tryPass} as the chosen backend's
 * {@code admit()}, then the attempt's end ({@code release} and {@link BackendResilience#record}), and
 * the retry budget's count of the request. {@code fleet=healthy}: every backend in good standing (the
 * common case: volatile reads only). {@code fleet=degraded}: 8 backends ejected (5 honoured, the
 * group's cap at 10 %), one breaker open, one backend held off by {@code Retry-After}, one unhealthy,
 * two ramping up in slow start: the clock is read for each of those. Compare with
 * {@code RoutingBenchmark.routeWide}, the same selection without resilience.
 *
 * <p>The filter reads the nano clock once per selection and hands it to
 * {@link GroupHealth#routable(BackendResilience, long)}, as the server's per-attempt filter would.
 * {@code routableCheck}: the filter alone over the 50 members; {@code recordOk}: one attempt's
 * outcome alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class ResilienceBenchmark {

    static final int BACKENDS = 50;

    /** A backend as the server's would be: options, shared stats, its resilience state. */
    static final class Backend implements Balanced {
        private final String name;
        private final BackendOptions options;
        private final BackendStats stats = new BackendStats();
        final BackendResilience resilience;

        Backend(String name, BackendOptions options, BackendResilience resilience) {
            this.name = name;
            this.options = options;
            this.resilience = resilience;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public BackendOptions options() {
            return options;
        }

        @Override
        public BackendStats stats() {
            return stats;
        }

        @Override
        public double share() {
            return resilience.share();
        }

        @Override
        public boolean admit() {
            return resilience.admit();
        }
    }

    @State(Scope.Benchmark)
    public static class Fleet {
        @Param({"least-connections", "round-robin", "latency"})
        public String strategy;

        @Param({"healthy", "degraded"})
        public String fleet;

        FleetResilience resilience;
        List<Backend> backends;
        GroupHealth health;
        BackendGroup<Backend> group;

        @Setup(Level.Trial)
        public void setUp() {
            ResilienceConfig d = ResilienceConfig.defaults();
            // long periods, so nothing set up here runs out during the run
            ResilienceConfig config = new ResilienceConfig(
                    new ResilienceConfig.Health(null, null, 2, 1, Duration.ofHours(1), ResilienceConfig.Ready.EVERY_MODEL),
                    new ResilienceConfig.Breaker(5, Duration.ofHours(1)),
                    new ResilienceConfig.Outlier(3, Duration.ofHours(1), Duration.ofHours(1), 10), d.retry());
            resilience = new FleetResilience(config, Clocks.SYSTEM, ResilienceEvents.NONE);
            Random random = new Random(11);
            backends = new ArrayList<>();
            for (int i = 0; i < BACKENDS; i++) {
                BackendOptions options = new BackendOptions(100, 1 + i % 4, 0, Map.of(), List.of(), List.of());
                Backend b = new Backend(String.format("gpu-%02d", i), options, resilience.backend("gpu-" + i));
                b.resilience.probe(true);
                b.stats().recordFirstByte(20_000_000L + random.nextInt(200_000_000));
                for (int held = random.nextInt(8); held > 0; held--) {
                    b.stats().tryAcquire(0); // requests in flight, never released
                }
                backends.add(b);
            }
            if (fleet.equals("degraded")) {
                for (int i = 0; i < 8; i++) {
                    eject(backends.get(i * 6).resilience);
                }
                openBreaker(backends.get(1).resilience);
                backends.get(2).resilience.holdOffNanos(Duration.ofMinutes(5).toNanos());
                backends.get(3).resilience.probe(false);
                backends.get(3).resilience.probe(false);
                for (int i : new int[] {4, 5}) { // down and back up: ramping for an hour
                    backends.get(i).resilience.probe(false);
                    backends.get(i).resilience.probe(false);
                    backends.get(i).resilience.probe(true);
                }
            }
            health = resilience.group(backends.stream().map(b -> b.resilience).toList());
            group = BackendGroup.of(backends, new RoutingConfig(RoutingConfig.Strategy.fromId(strategy), RoutingConfig.Sticky.OFF));
        }

        private static void eject(BackendResilience b) {
            for (int i = 0; i < 3; i++) {
                b.record(AttemptOutcome.SERVER_ERROR);
            }
        }

        private static void openBreaker(BackendResilience b) {
            for (int i = 0; i < 5; i++) {
                b.record(AttemptOutcome.OVERLOADED);
            }
        }
    }

    /** What the server passes as {@code excluded}: one per thread, given the clock's reading per selection. */
    @State(Scope.Thread)
    public static class Unroutable implements Predicate<Backend> {
        GroupHealth health;
        long now;

        Unroutable at(GroupHealth group) {
            health = group;
            now = System.nanoTime();
            return this;
        }

        @Override
        public boolean test(Backend b) {
            return !health.routable(b.resilience, now);
        }
    }

    /** One request's resilience work: counted by the budget, a backend chosen and admitted, its attempt recorded. */
    @Benchmark
    public Backend requestPath(Fleet f, Unroutable filter) {
        f.resilience.failover().requestStarted();
        Selection<Backend> s = f.group.select(filter.at(f.health));
        Backend chosen = s.member();
        chosen.stats().release();
        chosen.resilience.record(AttemptOutcome.OK);
        return chosen;
    }

    /** The filter alone, over every member. */
    @Benchmark
    public int routableCheck(Fleet f, Unroutable filter) {
        Unroutable unroutable = filter.at(f.health);
        int routable = 0;
        for (int i = 0; i < BACKENDS; i++) {
            routable += unroutable.test(f.backends.get(i)) ? 0 : 1;
        }
        return routable;
    }

    /** One attempt's outcome alone. */
    @Benchmark
    public Backend recordOk(Fleet f) {
        Backend b = f.backends.get(10);
        b.resilience.record(AttemptOutcome.OK);
        return b;
    }
}
