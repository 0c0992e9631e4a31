package io.llmrelay.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExchangeTimesTest {

    @Test
    void theFirstTokenTimeIsKept() {
        ExchangeTimes times = new ExchangeTimes(100);
        assertThat(times.start).isEqualTo(100);
        assertThat(times.firstToken).isZero();
        times.tokenAt(250);
        times.tokenAt(300);
        assertThat(times.firstToken).isEqualTo(250);
    }

    @Test
    void clocksReadTheirSupplier() {
        long[] now = {5};
        Clocks clocks = new Clocks(java.time.Clock.systemUTC(), () -> now[0]);
        assertThat(clocks.nanoTime()).isEqualTo(5);
        now[0] = 9;
        assertThat(clocks.nanoTime()).isEqualTo(9);
    }
}
