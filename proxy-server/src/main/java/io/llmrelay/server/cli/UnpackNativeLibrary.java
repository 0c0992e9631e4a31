package io.llmrelay.server.cli;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes Netty's native epoll library for this machine out of the jar into a directory, for
 * {@code -Djava.library.path=DIR}. Netty then loads it from there instead of copying it out of the
 * jar to a temporary file at every start (about a tenth of a start-up on the bench's VM, the file's
 * name drawn from a {@code SecureRandom}), and a container with a read-only root filesystem needs no
 * writable temporary directory for it. Run once per build by {@code run.sh} and by the image's build:
 * {@code java -cp llm-relay.jar io.llmrelay.server.cli.UnpackNativeLibrary DIR}. A plain Java step
 * because a JRE image has no {@code jar} tool and need not have {@code unzip}.
 */
public final class UnpackNativeLibrary {

    private UnpackNativeLibrary() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp llm-relay.jar " + UnpackNativeLibrary.class.getName() + " DIR");
            System.exit(2);
        }
        Path written = unpack(Path.of(args[0]));
        // no library for this platform is no failure: Netty falls back to NIO as it would anyway
        System.out.println(written != null ? written
                : "no " + fileName() + " in the jar: nothing to unpack (" + PlatformDependent.normalizedOs() + ")");
    }

    /** The library as written into {@code dir}; null when the jar holds none for this machine. */
    static Path unpack(Path dir) throws IOException {
        if (!PlatformDependent.normalizedOs().equals("linux")) {
            return null;
        }
        String name = fileName();
        try (InputStream in = UnpackNativeLibrary.class.getClassLoader().getResourceAsStream("META-INF/native/" + name)) {
            if (in == null) {
                return null;
            }
            Files.createDirectories(dir);
            // written beside and renamed, so a proxy starting meanwhile never loads half a file
            Path part = Files.createTempFile(dir, name, ".part");
            try {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                return Files.move(part, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
        }
    }

    /** The name Netty's epoll transport loads its library by, as a file. */
    static String fileName() {
        return "libnetty_transport_native_epoll_" + PlatformDependent.normalizedArch() + ".so";
    }
}
