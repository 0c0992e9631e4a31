package io.llmrelay.core.balance;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.translate.ChatMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The routing decision, per request, in a fleet of 50 backends serving 500 models: the model's group
 * looked up by name in a {@code HashMap}, {@link BackendGroup#select} (with the health check the
 * server passes as {@code excluded}) and the slot's release at the end of the attempt.
 * {@code route}: each model served by 2–4 backends, with and without a sticky key (rendezvous
 * hashing first); {@code routeWide}: each model served by all 50 (the worst case). The backends hold
 * 0–7 requests in flight and have time-to-first-byte samples, so least-connections and latency have
 * something to compare. {@code prefixKey}: the {@code sticky: prefix} key of a chat turn (a
 * 600-character system prompt and a 200-character question).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class RoutingBenchmark {

    static final int BACKENDS = 50;
    static final int MODELS = 500;
    /** the requests' model (and session) sequence, cycled */
    static final int SEQUENCE = 4096;

    /** A backend as the server's router would hand it over: options, shared stats, a health flag. */
    static final class Backend implements Balanced {
        private final String name;
        private final BackendOptions options;
        private final BackendStats stats = new BackendStats();
        volatile boolean healthy = true;

        Backend(String name, BackendOptions options) {
            this.name = name;
            this.options = options;
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
    }

    /** What the server passes as {@code excluded} on a first attempt: the unhealthy backends. */
    static final Predicate<Backend> UNHEALTHY = b -> !b.healthy;

    /** The model routes by name, and the requests' sequence of models and sticky keys. */
    abstract static class Routes {
        final Map<String, BackendGroup<Backend>> groups = new HashMap<>();
        final String[] modelSequence = new String[SEQUENCE];
        final long[] keySequence = new long[SEQUENCE];
    }

    @State(Scope.Benchmark)
    public static class Fleet extends Routes {
        @Param({"priority", "round-robin", "least-connections", "weighted", "latency"})
        public String strategy;

        @Param({"off", "header"})
        public String sticky;

        @Setup
        public void setUp() {
            build(this, new RoutingConfig(RoutingConfig.Strategy.fromId(strategy), RoutingConfig.Sticky.fromId(sticky)),
                    false);
        }
    }

    @State(Scope.Benchmark)
    public static class WideFleet extends Routes {
        @Param({"priority", "round-robin", "least-connections", "weighted", "latency"})
        public String strategy;

        @Setup
        public void setUp() {
            build(this, new RoutingConfig(RoutingConfig.Strategy.fromId(strategy), RoutingConfig.Sticky.OFF), true);
        }
    }

    /** Where a benchmark thread is in the request sequence. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            next = (next + 1) & (SEQUENCE - 1);
            return next;
        }
    }

    @State(Scope.Benchmark)
    public static class Conversation {
        final List<ChatMessage> messages = new ArrayList<>();

        @Setup
        public void setUp() {
            String system = "You are a careful assistant for a software team. ".repeat(13);
            String question = "Explain why our build fails when two modules share one test-jar dependency. ".repeat(3);
            messages.add(new ChatMessage("system", system.substring(0, 600), null, List.of(), null, null, null));
            messages.add(new ChatMessage("user", question.substring(0, 200), null, List.of(), null, null, null));
            messages.add(new ChatMessage("assistant", "It is the reactor order.", null, List.of(), null, null, null));
            messages.add(new ChatMessage("user", "Show me the fix.", null, List.of(), null, null, null));
        }
    }

    static void build(Routes f, RoutingConfig routing, boolean wide) {
        Random random = new Random(11);
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < BACKENDS; i++) {
            BackendOptions options = new BackendOptions(i % 5 == 0 ? 200 : 100, 1 + i % 4, i % 7 == 0 ? 64 : 0,
                    Map.of(), List.of(), List.of());
            Backend b = new Backend(String.format("gpu-%02d", i), options);
            b.healthy = i != 7;
            b.stats().recordFirstByte(20_000_000L + random.nextInt(200_000_000));
            for (int held = random.nextInt(8); held > 0; held--) {
                b.stats().tryAcquire(0); // requests in flight, never released
            }
            backends.add(b);
        }
        String[] names = new String[MODELS];
        for (int m = 0; m < MODELS; m++) {
            names[m] = "family-" + (m % 40) + ":" + (m / 40 + 1) + "b-instruct-q4_K_M";
            List<Backend> members = new ArrayList<>();
            if (wide) {
                members.addAll(backends);
            } else {
                int first = random.nextInt(BACKENDS);
                for (int k = 0, count = 2 + m % 3; k < count; k++) {
                    members.add(backends.get((first + k * 7) % BACKENDS));
                }
            }
            f.groups.put(names[m], BackendGroup.of(members, routing));
        }
        for (int r = 0; r < SEQUENCE; r++) {
            f.modelSequence[r] = names[random.nextInt(MODELS)];
            f.keySequence[r] = StickyKeys.header("session-" + random.nextInt(1_000));
        }
    }

    private static Backend routeOnce(Routes fleet, Cursor cursor) {
        int r = cursor.advance();
        BackendGroup<Backend> group = fleet.groups.get(fleet.modelSequence[r]);
        Selection<Backend> s = group.select(fleet.keySequence[r], UNHEALTHY);
        Backend chosen = s.member();
        chosen.stats().release();
        return chosen;
    }

    @Benchmark
    public Backend route(Fleet fleet, Cursor cursor) {
        return routeOnce(fleet, cursor);
    }

    @Benchmark
    public Backend routeWide(WideFleet fleet, Cursor cursor) {
        return routeOnce(fleet, cursor);
    }

    @Benchmark
    public long prefixKey(Conversation conversation) {
        return StickyKeys.prefix(conversation.messages);
    }
}
