package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.llmrelay.server.ConfigReload;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.endpoint.ReloadOutcome;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.DemoBackends;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}'s reloads through the loading it starts with ({@link ServeConfigSource}): flags >
 * environment > file > defaults, the same at a reload as at start; a setting that needs a restart
 * (the port) keeps its running value and is warned about while the rest applies; the log level
 * applies at once.
 */
class ServeReloadTest {

    @TempDir
    Path dir;

    private DemoBackends demos;
    private DemoBackend a;
    private DemoBackend b;
    private EventLoopGroup group;
    private RelayServer server;
    private ConfigReload reload;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The tests' own root level, put back after each test: a reload here changes the JVM's logging. */
    private Level testLevel;

    @BeforeEach
    void backends() throws InterruptedException {
        testLevel = rootLevel();
        demos = new DemoBackends();
        a = demos.start();
        b = demos.start(Duration.ZERO, List.of("other"));
    }

    @AfterEach
    void stop() {
        if (reload != null) {
            reload.close();
        }
        if (server != null) {
            server.close(Duration.ofSeconds(1));
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        demos.close();
        root().setLevel(testLevel);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("relay.yaml"), yaml);
    }

    private String backend(String name, DemoBackend demo) {
        return "  - name: " + name + "\n    url: " + demo.baseUrl() + "\n";
    }

    /** Starts the proxy as {@code serve} does with {@code flags}, reloads as {@code serve} does. */
    private void serve(ServeSettings.Flags flags) throws InterruptedException {
        ServeSettings settings = ServeSettings.resolve(flags, Map.of(), false);
        Transport transport = Transport.best();
        group = transport.newGroup(2, "test-serve");
        server = RelayServer.start(settings.relayConfig(settings.fileBackends), transport, group);
        reload = ConfigReload.install(server, new ServeConfigSource(flags, Map.of(), false, settings, List.of()));
    }

    private ReloadOutcome reload() throws Exception {
        return reload.reload("test").get(30, TimeUnit.SECONDS);
    }

    private String tags(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tags"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void aChangedPortIsWarnedAboutWhileTheRestApplies() throws Exception {
        int port = freePort();
        ServeSettings.Flags flags = new ServeSettings.Flags();
        flags.config = write("server:\n  port: " + port + "\n  log_level: info\nbackends:\n" + backend("a", a)).toString();
        serve(flags);
        assertThat(server.port()).isEqualTo(port);
        try (CapturedLog log = new CapturedLog()) {
            int other = freePort();
            write("server:\n  port: " + other + "\n  log_level: debug\nbackends:\n" + backend("a", a) + backend("b", b));
            ReloadOutcome outcome = reload();
            assertThat(outcome.status()).isEqualTo(ReloadOutcome.Status.RELOADED);
            assertThat(outcome.added()).containsExactly("b");
            assertThat(outcome.restartNeeded()).containsExactly("server.port");
            assertThat(outcome.settings()).contains("server.log_level");

            assertThat(server.port()).as("still listening where it started").isEqualTo(port);
            assertThat(server.relay().config().port()).isEqualTo(port);
            assertThat(tags(port)).contains("\"other\"").contains("\"demo\"");
            assertThat(log.events()).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("changes server.port, which takes effect "
                        + "only at the next start");
            });
            assertThat(rootLevel()).isEqualTo(Level.DEBUG);
        }
    }

    @Test
    void theLogLevelChangesUnderTheRunningProxyAndARefusedReloadLeavesIt() throws Exception {
        ServeSettings.Flags flags = new ServeSettings.Flags();
        flags.config = write("server:\n  log_level: info\nbackends:\n" + backend("a", a)).toString();
        serve(flags);

        write("server:\n  log_level: warn\nbackends:\n" + backend("a", a));
        ReloadOutcome outcome;
        try (CapturedLog log = new CapturedLog()) {
            outcome = reload();
            // said before the switch: at WARN the line would not show
            assertThat(log.events()).anySatisfy(e -> assertThat(e.getFormattedMessage()).isEqualTo("Log level WARN (was INFO)"));
        }
        assertThat(outcome.status()).isEqualTo(ReloadOutcome.Status.RELOADED);
        assertThat(outcome.settings()).containsExactly("server.log_level");
        assertThat(outcome.restartNeeded()).isEmpty();
        assertThat(rootLevel()).isEqualTo(Level.WARN);
        assertThat(LoggerFactory.getLogger("llm_relay.access").isInfoEnabled()).as("access lines stop").isFalse();
        assertThat(LoggerFactory.getLogger("io.netty").isWarnEnabled()).isTrue();

        write("server:\n  log_level: info\nbackends: []\n"); // refused: no backend
        assertThat(reload().status()).isEqualTo(ReloadOutcome.Status.REFUSED);
        assertThat(rootLevel()).as("a refused reload changes nothing").isEqualTo(Level.WARN);

        write("server:\n  log_level: info\nbackends:\n" + backend("a", a));
        try (CapturedLog log = new CapturedLog()) {
            outcome = reload();
            // said after the switch: at WARN it would not have shown
            assertThat(log.events()).anySatisfy(e -> assertThat(e.getFormattedMessage()).isEqualTo("Log level INFO (was WARN)"));
        }
        assertThat(outcome.settings()).containsExactly("server.log_level");
        assertThat(rootLevel()).isEqualTo(Level.INFO);
        assertThat(LoggerFactory.getLogger("llm_relay.access").isInfoEnabled()).isTrue();

        assertThat(reload().settings()).as("the same level again is no change").isEmpty();
    }

    @Test
    void aLogLevelFlagKeepsItsWordOverTheReloadedFile() throws Exception {
        ServeSettings.Flags flags = new ServeSettings.Flags();
        flags.logLevel = "info";
        flags.config = write("server:\n  log_level: info\nbackends:\n" + backend("a", a)).toString();
        serve(flags);

        write("server:\n  log_level: error\nbackends:\n" + backend("a", a));
        ReloadOutcome outcome = reload();
        assertThat(outcome.settings()).doesNotContain("server.log_level");
        assertThat(rootLevel()).isEqualTo(testLevel);
    }

    private static Level rootLevel() {
        return root().getLevel();
    }

    private static ch.qos.logback.classic.Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void aFlagGivenAtStartKeepsItsWordOverTheReloadedFile() throws Exception {
        int port = freePort();
        ServeSettings.Flags flags = new ServeSettings.Flags();
        flags.port = port;
        flags.retryAttempts = 1;
        flags.config = write("server:\n  port: " + freePort() + "\nretry:\n  attempts: 3\nbackends:\n"
                + backend("a", a)).toString();
        serve(flags);
        write("server:\n  port: " + freePort() + "\nretry:\n  attempts: 5\n  backoff: 10ms\nbackends:\n"
                + backend("a", a) + backend("b", b));
        ReloadOutcome outcome = reload();
        assertThat(outcome.status()).isEqualTo(ReloadOutcome.Status.RELOADED);
        assertThat(outcome.restartNeeded()).as("the flag's port is the one in force, before and after").isEmpty();
        assertThat(outcome.settings()).containsExactly("retry");
        assertThat(server.relay().fleet().config().resilience().retry().attempts()).as("--retry-attempts").isEqualTo(1);
        assertThat(server.relay().fleet().config().resilience().retry().backoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(tags(port)).contains("\"other\"");
    }

    @Test
    void aFileThatLosesItsBackendsIsRefused() throws Exception {
        ServeSettings.Flags flags = new ServeSettings.Flags();
        flags.port = freePort();
        flags.config = write("backends:\n" + backend("a", a)).toString();
        serve(flags);
        write("routing:\n  strategy: round-robin\n");
        ReloadOutcome outcome = reload();
        assertThat(outcome.status()).isEqualTo(ReloadOutcome.Status.REFUSED);
        assertThat(outcome.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("lists no backends and no flag or environment variable gives one"));
        assertThat(server.relay().fleet().named("a")).isNotNull();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
