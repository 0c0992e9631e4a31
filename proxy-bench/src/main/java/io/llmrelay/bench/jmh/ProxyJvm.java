package io.llmrelay.bench.jmh;

/**
 * The JVM flags of every microbenchmark's fork: the proxy's own Netty settings (proxy-server's
 * {@code NettyDefaults}, which {@code serve} applies before Netty loads, and run.sh's floor proxy
 * uses too), so that a benchmark allocates and checks buffers as the proxy does. Netty's own defaults
 * differ (the adaptive allocator, access and bounds checks on every buffer access): measured with them,
 * a translated event cost about a fifth more in the worse chunk split.
 */
public final class ProxyJvm {

    public static final String POOLED_ALLOCATOR = "-Dio.netty.allocator.type=pooled";
    public static final String NO_LEAK_DETECTION = "-Dio.netty.leakDetection.level=disabled";
    public static final String NO_ACCESS_CHECKS = "-Dio.netty.buffer.checkAccessible=false";
    public static final String NO_BOUNDS_CHECKS = "-Dio.netty.buffer.checkBounds=false";
    public static final String HEAP_MIN = "-Xms512m";
    public static final String HEAP_MAX = "-Xmx512m";

    private ProxyJvm() {}
}
