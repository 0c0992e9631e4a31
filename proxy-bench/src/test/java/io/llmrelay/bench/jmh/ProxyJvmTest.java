package io.llmrelay.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/** Every microbenchmark forks a JVM with the proxy's own Netty settings. */
class ProxyJvmTest {

    @Test
    void theFlagsAreTheProxysNettyDefaults() {
        // what proxy-server's NettyDefaults sets when nothing is asked for (its NettyDefaultsTest says the same)
        assertThat(List.of(ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
                ProxyJvm.NO_BOUNDS_CHECKS)).containsExactly("-Dio.netty.allocator.type=pooled",
                "-Dio.netty.leakDetection.level=disabled", "-Dio.netty.buffer.checkAccessible=false",
                "-Dio.netty.buffer.checkBounds=false");
    }

    @Test
    void everyBenchmarkForksWithThem() throws Exception {
        Path classes = Path.of(ProxyJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> forked;
        try (Stream<Path> files = Files.walk(classes)) {
            forked = files.map(f -> classes.relativize(f).toString())
                    .filter(name -> name.endsWith("Benchmark.class") && !name.contains("jmh_generated"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .map(ProxyJvmTest::load)
                    .filter(c -> c.isAnnotationPresent(Fork.class))
                    .toList();
        }
        assertThat(forked).hasSizeGreaterThanOrEqualTo(10);
        for (Class<?> benchmark : forked) {
            assertThat(benchmark.getAnnotation(Fork.class).jvmArgsAppend()).as(benchmark.getName())
                    .contains(ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
                            ProxyJvm.NO_BOUNDS_CHECKS);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ProxyJvmTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
