package io.llmrelay.server.cli;

import java.util.Properties;

/**
 * Netty's settings as the proxy runs by default, set before any Netty class reads them; each one
 * the user sets (a {@code -D} flag) is left as it is.
 */
final class NettyDefaults {

    static final String LEAK_LEVEL = "io.netty.leakDetection.level";
    static final String ALLOCATOR = "io.netty.allocator.type";
    /** The older name of {@link #LEAK_LEVEL}, which Netty still reads. */
    static final String LEGACY_LEAK_LEVEL = "io.netty.leakDetectionLevel";

    private NettyDefaults() {}

    static void apply(Properties properties) {
        // Netty's buffer events register with the flight recorder when it is present, which costs
        // a tenth of the start-up; -Dio.netty.jfr.enabled=true brings them back for a profile
        properties.putIfAbsent("io.netty.jfr.enabled", "false");
        // Netty 4.2's default allocator (adaptive) returns every freed segment to its chunk through a
        // lock-free queue; the pooled one puts it in the freeing thread's cache, and the event loop
        // that frees is the one that allocates: about 5 % of a pass-through request's CPU at
        // saturation, at no cost in memory at 10,000 open streams (docs/BENCHMARKS.md)
        properties.putIfAbsent(ALLOCATOR, "pooled");
        // Netty's sampled leak detection (its default, simple) records a stack trace for one buffer
        // in 128 and tracks it to its release: 10-20 % of a pass-through request's CPU at saturation
        // (docs/BENCHMARKS.md). Leaks are hunted where they can be found: the tests and the soak run
        // paranoid, and -Dio.netty.leakDetection.level=simple (or higher) brings it back here.
        if (properties.getProperty(LEAK_LEVEL) == null && properties.getProperty(LEGACY_LEAK_LEVEL) == null) {
            properties.setProperty(LEAK_LEVEL, "disabled");
        }
        // Netty checks every buffer access against the reference count and the bounds: a few
        // percent of a pass-through request's CPU. The tests' buffer discipline (paranoid leak
        // detection) keeps them, and so does anyone who raises leak detection to find a bug.
        String level = properties.getProperty(LEAK_LEVEL, properties.getProperty(LEGACY_LEAK_LEVEL));
        if (level.equalsIgnoreCase("simple") || level.equalsIgnoreCase("disabled")) {
            properties.putIfAbsent("io.netty.buffer.checkAccessible", "false");
            properties.putIfAbsent("io.netty.buffer.checkBounds", "false");
        }
    }
}
