package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackNativeLibraryTest {

    @Test
    void writesTheLibraryNettyLoadsUnderItsOwnNameAndAgainOverAnOldCopy(@TempDir Path dir) throws Exception {
        Path written = UnpackNativeLibrary.unpack(dir.resolve("native"));

        assertThat(Epoll.isAvailable()).isTrue(); // these machines are Linux x86_64: the jar has their library
        assertThat(written).isEqualTo(dir.resolve("native").resolve("libnetty_transport_native_epoll_x86_64.so"));
        byte[] expected;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/native/libnetty_transport_native_epoll_x86_64.so")) {
            expected = in.readAllBytes();
        }
        assertThat(Files.readAllBytes(written)).isEqualTo(expected);

        Files.write(written, new byte[] {1, 2, 3});
        assertThat(UnpackNativeLibrary.unpack(dir.resolve("native"))).isEqualTo(written);
        assertThat(Files.readAllBytes(written)).isEqualTo(expected);
        try (var files = Files.list(dir.resolve("native"))) {
            assertThat(files).containsExactly(written); // no part file left behind
        }
    }
}
