package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {

    private static Properties applied(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        NettyDefaults.apply(p);
        return p;
    }

    @Test
    void byDefaultLeakDetectionAccessChecksAndFlightRecorderEventsAreOff() {
        Properties p = applied();

        assertThat(p).containsEntry("io.netty.leakDetection.level", "disabled")
                .containsEntry("io.netty.buffer.checkAccessible", "false")
                .containsEntry("io.netty.buffer.checkBounds", "false")
                .containsEntry("io.netty.jfr.enabled", "false")
                .containsEntry("io.netty.allocator.type", "pooled");
    }

    @Test
    void anAllocatorTheUserChoseIsKept() {
        Properties p = applied("io.netty.allocator.type", "adaptive");

        assertThat(p).containsEntry("io.netty.allocator.type", "adaptive");
    }

    @Test
    void leakDetectionAskedForIsKeptAndSimpleKeepsTheAccessChecksOff() {
        Properties p = applied("io.netty.leakDetection.level", "simple");

        assertThat(p).containsEntry("io.netty.leakDetection.level", "simple")
                .containsEntry("io.netty.buffer.checkAccessible", "false")
                .containsEntry("io.netty.buffer.checkBounds", "false");
    }

    @Test
    void leakDetectionAboveSimpleKeepsNettysAccessChecks() {
        Properties p = applied("io.netty.leakDetection.level", "PARANOID");

        assertThat(p).containsEntry("io.netty.leakDetection.level", "PARANOID")
                .doesNotContainKeys("io.netty.buffer.checkAccessible", "io.netty.buffer.checkBounds");
    }

    @Test
    void theOlderPropertyNameCountsAsSet() {
        Properties p = applied("io.netty.leakDetectionLevel", "advanced");

        assertThat(p).doesNotContainKeys("io.netty.leakDetection.level", "io.netty.buffer.checkAccessible");
        assertThat(p).containsEntry("io.netty.leakDetectionLevel", "advanced");
    }

    @Test
    void settingsTheUserGaveAreNeverOverwritten() {
        Properties p = applied("io.netty.buffer.checkAccessible", "true", "io.netty.jfr.enabled", "true");

        assertThat(p).containsEntry("io.netty.buffer.checkAccessible", "true")
                .containsEntry("io.netty.buffer.checkBounds", "false")
                .containsEntry("io.netty.jfr.enabled", "true");
    }
}
