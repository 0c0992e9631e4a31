package io.llmrelay.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoopAccountTest {

    private final AtomicLong cpu = new AtomicLong(1_000_000);
    private final LoopAccount account = new LoopAccount(cpu::get);

    @Test
    void cpuOutsideSectionsIsSharedInProportionToTheSectionsOfThePass() {
        account.startClock();
        LoopAccount.Line a = new LoopAccount.Line();
        LoopAccount.Line b = new LoopAccount.Line();
        account.served(a, 10_000);
        account.served(b, 20_000);
        account.served(a, 10_000); // a second section of a in the same pass
        cpu.addAndGet(40_000 + 60_000); // the sections and 60 µs nobody timed

        account.closePass();

        assertThat(a.charged()).isEqualTo(30_000);
        assertThat(b.charged()).isEqualTo(30_000);
    }

    @Test
    void aPassServingNoExchangeChargesNoOne() {
        account.startClock();
        LoopAccount.Line a = new LoopAccount.Line();
        cpu.addAndGet(500_000); // a health check, say
        account.closePass();
        account.served(a, 10_000);
        cpu.addAndGet(15_000);
        account.closePass();

        assertThat(a.charged()).isEqualTo(5_000);
    }

    @Test
    void sectionsLongerThanTheCpuSpentChargeNothing() {
        account.startClock();
        LoopAccount.Line a = new LoopAccount.Line();
        account.served(a, 50_000); // the thread was descheduled inside the section
        cpu.addAndGet(30_000);
        account.closePass();

        assertThat(a.charged()).isZero();
    }

    @Test
    void aFinishedExchangeIsSettledAfterItsLastPassIsCharged() {
        account.startClock();
        LoopAccount.Line a = new LoopAccount.Line();
        List<Long> seen = new ArrayList<>();
        account.served(a, 10_000);
        account.finished(a, () -> seen.add(a.charged()));
        account.served(a, 99_000); // after it finished: not its work any more
        cpu.addAndGet(12_000);
        assertThat(seen).isEmpty();

        account.closePass();
        assertThat(seen).containsExactly(2_000L);

        cpu.addAndGet(50_000);
        account.closePass();
        assertThat(seen).containsExactly(2_000L);
        assertThat(a.charged()).isEqualTo(2_000);
    }

    @Test
    void aFailingSettlementDoesNotStopTheOthers() {
        account.startClock();
        List<String> settled = new ArrayList<>();
        account.finished(new LoopAccount.Line(), () -> {
            throw new IllegalStateException("boom");
        });
        account.finished(new LoopAccount.Line(), () -> settled.add("second"));
        account.closePass();

        assertThat(settled).containsExactly("second");
    }

    @Test
    void withoutAClockNothingIsChargedAndSettlingIsImmediate() {
        LoopAccount.Line a = new LoopAccount.Line();
        List<String> settled = new ArrayList<>();
        LoopAccount.NONE.served(a, 10_000);
        LoopAccount.NONE.finished(a, () -> settled.add("now"));

        assertThat(settled).containsExactly("now");
        LoopAccount.NONE.closePass();
        assertThat(a.charged()).isZero();
    }

    @Test
    void theTailEstimateFollowsWhatWholeAnswersAccrueAfterTheirHead() {
        assertThat(account.tailEstimate()).isZero();
        for (int i = 0; i < 200; i++) {
            account.tail(20_000);
        }
        assertThat(account.tailEstimate()).isBetween(19_900L, 20_000L);
        for (int i = 0; i < 200; i++) {
            account.tail(8_000);
        }
        assertThat(account.tailEstimate()).isBetween(8_000L, 8_100L);
    }

    @Test
    void anEventLoopThreadHasItsOwnAccountAndOtherThreadsNone() throws Exception {
        assertThat(LoopAccount.current()).isSameAs(LoopAccount.NONE);
        LoopAccount[] bound = new LoopAccount[1];
        Thread loop = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            LoopAccount mine = LoopAccount.forCurrentThread();
            bound[0] = LoopAccount.current() == mine ? mine : null;
        });
        loop.start();
        loop.join();
        assertThat(bound[0]).isNotNull().isNotSameAs(LoopAccount.NONE);
        assertThat(LoopAccount.current()).isSameAs(LoopAccount.NONE);
    }
}
