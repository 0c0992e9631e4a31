package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SelectionResultTest {

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void everyMemberExcludedIsNoneEligible(Strategy strategy) {
        Node a = Node.of("a", 200, 1, 0);
        Node b = Node.of("b", 100, 2, 1);
        BackendGroup<Node> g = group(strategy, a, b);
        Selection<Node> s = g.select(excluding(a, b));
        assertThat(s.result()).isEqualTo(Selection.Result.NONE_ELIGIBLE);
        assertThat(s.isChosen()).isFalse();
        assertThatThrownBy(s::member).isInstanceOf(IllegalStateException.class).hasMessageContaining("NONE_ELIGIBLE");
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void everyEligibleMemberAtItsCapIsAtCapacity(Strategy strategy) {
        Node a = Node.of("a", 200, 1, 1);
        Node b = Node.of("b", 100, 2, 2);
        Node c = Node.of("c", 100, 1, 0);
        BackendGroup<Node> g = group(strategy, a, b, c);
        List<Node> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(g.select(excluding(c)).member());
        }
        assertThat(held).containsExactlyInAnyOrder(a, b, b);

        assertThat(g.select(excluding(c)).result()).isEqualTo(Selection.Result.AT_CAPACITY);
        assertThat(g.select(excluding(a, c)).result()).isEqualTo(Selection.Result.AT_CAPACITY);
        assertThat(g.select(NONE_EXCLUDED).member()).isSameAs(c); // the uncapped one still serves

        b.stats().release();
        assertThat(g.select(excluding(c)).member()).isSameAs(b);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void concurrentSelectionsNeverHoldMoreThanACap(Strategy strategy) throws InterruptedException {
        Node a = Node.of("a", 100, 3, 2);
        Node b = Node.of("b", 100, 1, 3);
        BackendGroup<Node> g = group(strategy, a, b);
        Map<Node, AtomicInteger> holding = Map.of(a, new AtomicInteger(), b, new AtomicInteger());
        Map<Node, AtomicInteger> mostHeld = Map.of(a, new AtomicInteger(), b, new AtomicInteger());
        AtomicInteger chosen = new AtomicInteger();
        AtomicInteger atCapacity = new AtomicInteger();
        int threads = 8;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    Selection<Node> s = g.select(NONE_EXCLUDED);
                    if (!s.isChosen()) {
                        assertThat(s.result()).isEqualTo(Selection.Result.AT_CAPACITY);
                        atCapacity.incrementAndGet();
                        continue;
                    }
                    Node n = s.member();
                    mostHeld.get(n).accumulateAndGet(holding.get(n).incrementAndGet(), Math::max);
                    chosen.incrementAndGet();
                    Thread.yield();
                    holding.get(n).decrementAndGet();
                    n.stats().release();
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(mostHeld.get(a).get()).isBetween(1, 2);
        assertThat(mostHeld.get(b).get()).isBetween(1, 3);
        assertThat(chosen.get() + atCapacity.get()).isEqualTo(threads * perThread);
        assertThat(a.stats().inFlight()).isZero();
        assertThat(b.stats().inFlight()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
