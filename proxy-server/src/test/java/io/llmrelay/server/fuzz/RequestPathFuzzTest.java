package io.llmrelay.server.fuzz;

import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.testing.LeakCheckExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the request path (issue 13's proof): generated inputs against two running proxies (one
 * with client keys, one without; {@link FuzzTarget}). Whatever comes in — malformed HTTP
 * ({@link RawCases}), JSON bodies with a wrong type in every field of every route, truncated or
 * invalid ({@link JsonCases}), odd methods, paths and queries ({@link TargetCases}) — the proxy
 * answers on time ({@link Oracle}: never a 5xx of its own, an error in the caller's shape), leaks no
 * buffer (paranoid detection, checked after each property), and a fresh connection is served next.
 *
 * <p>Each case is drawn from a {@link java.util.Random} seeded by the run's seed and the case's number
 * ({@link Draw}), so a failure names both and replays alone; tries and seed are fixed so a build is
 * quick and reproducible, {@code -Dfuzz.scale=N} and {@code -Dfuzz.seed=random} run longer and elsewhere
 * ({@link FuzzBudget}; docs/SECURITY.md#fuzzing).
 */
class RequestPathFuzzTest {

    private static FuzzTarget target;

    @BeforeAll
    static void start() throws Exception {
        target = new FuzzTarget();
    }

    @AfterAll
    static void stop() throws Exception {
        if (target != null) {
            target.close();
        }
        System.out.println("fuzzed answers, by route and status:\n" + Oracle.summary());
        // LeakCheckExtension (auto-detected) checks again once the proxies are closed
    }

    @AfterEach
    void noLeakSoFar() throws InterruptedException {
        LeakCheckExtension.assertNoLeaks(RequestPathFuzzTest.class.getSimpleName());
    }

    /** What a property checks for one drawn input. */
    @FunctionalInterface
    interface Check<C> {
        void accept(C input) throws Exception;
    }

    /**
     * Runs {@code check} on {@code tries} (scaled) inputs drawn by {@code draw}, case {@code i} from
     * {@link Draw#forCase}; stops at the first failure, naming the case, the seed and the input.
     */
    private static <C> void forAll(String property, int tries, Function<Draw, C> draw, Check<C> check) {
        long seed = FuzzBudget.seed();
        int n = FuzzBudget.tries(tries);
        OptionalInt only = FuzzBudget.onlyCase();
        int from = only.orElse(0);
        int to = only.isPresent() ? from + 1 : n;
        for (int i = from; i < to; i++) {
            C input = draw.apply(Draw.forCase(seed, i));
            try {
                check.accept(input);
            } catch (Exception | AssertionError e) {
                throw new AssertionError(property + ": case " + i + " of " + n + " failed (seed " + seed
                        + "; replay with -D" + FuzzBudget.SEED + "=" + seed + " -D" + FuzzBudget.CASE + "=" + i + ")\n"
                        + "input: " + FuzzTarget.masked(Oracle.abbreviate(String.valueOf(input))) + "\n"
                        + e, e);
            }
        }
    }

    @Test
    void jsonBodiesOfEveryRouteAreAnsweredInTheirShape() {
        forAll("jsonBodiesOfEveryRouteAreAnsweredInTheirShape", 700, JsonCases::draw, RequestPathFuzzTest::jsonBody);
    }

    @Test
    void oddMethodsPathsAndQueriesAreAnsweredInTheirShape() {
        forAll("oddMethodsPathsAndQueriesAreAnsweredInTheirShape", 300, TargetCases::draw, RequestPathFuzzTest::oddTarget);
    }

    @Test
    void malformedHttpNeverBreaksTheProxy() {
        forAll("malformedHttpNeverBreaksTheProxy", 900, RawCases::draw, RequestPathFuzzTest::malformedHttp);
    }

    private static void jsonBody(JsonCases.JsonCase c) throws IOException {
        RelayHarness relay = target.relay(c.keyed());
        byte[] body = c.body();
        ByteArrayOutputStream request = new ByteArrayOutputStream(body.length + 512);
        StringBuilder head = new StringBuilder(c.method() + " " + c.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (!c.headers().contentType().isEmpty()) {
            head.append("Content-Type: ").append(c.headers().contentType()).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        c.credentials().headerLines().forEach(h -> head.append(h).append("\r\n"));
        c.headers().extra().forEach(h -> head.append(h).append("\r\n"));
        request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        exchange(relay, c.toString(), c.path(), c.method(), request.toByteArray());
    }

    private static void oddTarget(TargetCases.TargetCase c) throws IOException {
        StringBuilder head = new StringBuilder(c.method() + " " + c.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        c.credentials().headerLines().forEach(h -> head.append(h).append("\r\n"));
        head.append("Content-Length: 0\r\n\r\n");
        exchange(target.relay(c.keyed()), c.toString(), c.target(), c.method(),
                head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void malformedHttp(RawCases.RawCase c) throws IOException {
        RelayHarness relay = target.relay(c.keyed());
        try (RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.send(c.bytes());
            client.finishSending(); // the end of the input: a proxy waiting for more bytes sees it has all
            for (RawHttp.Response r = read(client, c.toString(), false); r != null; r = read(client, c.toString(), false)) {
                Oracle.check(c.toString(), r, Oracle.Shape.EITHER, false);
                Oracle.tally("raw", r.status());
                if (r.cut()) {
                    break; // a streamed answer the proxy stopped when it read the end of the input (a client gone)
                }
            }
        }
        Oracle.freshConnectionServed(relay.port(), c.toString());
    }

    /**
     * Sends one whole request on a new connection and checks its answer; on a connection the answer
     * leaves open, a second request must be served too. Then a fresh connection must be served.
     */
    private static void exchange(RelayHarness relay, String input, String target, String method, byte[] request)
            throws IOException {
        boolean head = method.equals("HEAD");
        Oracle.Shape shape = Oracle.Shape.ofPath(pathOf(target));
        try (RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.send(request);
            RawHttp.Response r = read(client, input, head);
            while (r != null && r.status() == 100) {
                r = read(client, input, head); // Expect: 100-continue
            }
            if (r == null) {
                throw new AssertionError("the connection closed without an answer: " + input);
            }
            Oracle.check(input, r, shape, head);
            Oracle.tally(method + " " + routeOf(target), r.status());
            if (!"close".equalsIgnoreCase(r.header("connection")) && !r.cut()) {
                client.send(RawHttp.getRequest("/api/version"));
                RawHttp.Response next = read(client, input + ", then GET /api/version on the same connection", false);
                if (next == null || next.status() != 200) {
                    throw new AssertionError("the connection left open was not served again after " + input + ": " + next);
                }
            }
        }
        Oracle.freshConnectionServed(relay.port(), input);
    }

    private static RawHttp.Response read(RawHttp client, String input, boolean head) throws IOException {
        try {
            return client.readResponse(head, true);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within the deadline (a hang): " + input, e);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new AssertionError("an answer that is not HTTP: " + input, e);
        } catch (SocketException reset) {
            // closing with the client's bytes unread resets the connection and destroys the answer
            throw new AssertionError("the connection was reset instead of answered: " + input, reset);
        }
    }

    private static String pathOf(String target) {
        int end = target.length();
        for (char c : new char[] {'?', '#'}) {
            int at = target.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return target.substring(0, end);
    }

    /** The route a target names, for the summary: its path, parameters cut short. */
    private static String routeOf(String target) {
        String path = pathOf(target);
        for (String prefix : List.of("/api/blobs/", "/v1/models/")) {
            if (path.startsWith(prefix) && path.length() > prefix.length()) {
                return prefix + "*";
            }
        }
        return path.length() > 40 ? path.substring(0, 40) + "..." : path;
    }
}
