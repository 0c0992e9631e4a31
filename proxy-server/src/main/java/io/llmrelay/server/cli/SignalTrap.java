package io.llmrelay.server.cli;

import java.util.function.Consumer;

/**
 * Takes over a POSIX signal through {@code sun.misc.Signal} (module {@code jdk.unsupported}, in every
 * JDK and JRE image we ship), instead of the JVM's default for SIGTERM and SIGINT: run the shutdown
 * hooks, then exit with 128 + the signal's number (143, 130) however cleanly the hooks stopped.
 * Kept apart so that a runtime without the module fails here, as a {@link LinkageError} the caller
 * catches, and nowhere else.
 */
final class SignalTrap {

    private SignalTrap() {}

    /**
     * Calls {@code handler} with the signal's name ({@code SIGTERM}) on a thread of the JVM's each time
     * {@code name} ({@code TERM}, {@code INT}) arrives; false, and nothing installed, when the process
     * was started with the signal ignored (as a shell does for SIGINT of a background job, or nohup for
     * SIGHUP): it stays ignored, as the JVM itself would leave it.
     *
     * @throws IllegalArgumentException when the signal cannot be caught here (unknown, or kept by the JVM)
     */
    static boolean install(String name, Consumer<String> handler) {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> handler.accept("SIG" + s.getName()));
        if (previous == sun.misc.SignalHandler.SIG_IGN) {
            sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_IGN);
            return false;
        }
        return true;
    }
}
