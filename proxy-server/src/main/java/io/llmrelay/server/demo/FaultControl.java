package io.llmrelay.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo backend's control endpoints, for tests and soaks: {@code GET /__fault} shows the fault
 * plan, {@code POST /__fault} sets one ({@code {"mode": "503", "rate": 0.5}}: {@code mode} is
 * required, {@code rate} is 1 unless given, every other field keeps its value; {@code "none"}
 * clears), {@code GET /__stats} shows the counts. Loopback clients only (403 for others, since
 * anyone could otherwise break the backend); never faulted, never counted.
 */
final class FaultControl {

    static final String FAULT = "/__fault";
    static final String STATS = "/__stats";

    private static final Logger LOG = LoggerFactory.getLogger("llm_relay.demo");
    private static final Set<String> FIELDS = Set.of("mode", "rate", "scope", "seed", "retry_after", "drip_ms",
            "oversize_bytes");

    private FaultControl() {}

    static boolean handles(String path) {
        return path.equals(FAULT) || path.equals(STATS);
    }

    /** The answer to a control request on {@code path}, from a client at {@code remote}. */
    static FullHttpResponse answer(DemoBackend backend, FullHttpRequest request, String path, SocketAddress remote,
            ByteBufAllocator alloc, boolean keepAlive) {
        if (!isLoopback(remote)) {
            return error(alloc, keepAlive, 403, path + " answers loopback clients only");
        }
        boolean get = request.method().equals(HttpMethod.GET);
        if (path.equals(STATS)) {
            return get ? DemoResponses.json(alloc, keepAlive, 200, statsJson(backend.stats()))
                    : error(alloc, keepAlive, 405, "use GET " + STATS);
        }
        if (get) {
            return DemoResponses.json(alloc, keepAlive, 200, planJson(backend.fault()));
        }
        if (!request.method().equals(HttpMethod.POST)) {
            return error(alloc, keepAlive, 405, "use GET or POST " + FAULT);
        }
        FaultPlan plan;
        try {
            plan = parse(request, backend.fault());
        } catch (IllegalArgumentException e) {
            return error(alloc, keepAlive, 400, e.getMessage());
        }
        backend.fault(plan);
        LOG.info("Fault plan now {}", plan.describe());
        return DemoResponses.json(alloc, keepAlive, 200, planJson(plan));
    }

    static boolean isLoopback(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    /**
     * The plan a {@code POST /__fault} body asks for, fields left out taken from {@code current}
     * (but {@code rate}: 1).
     *
     * @throws IllegalArgumentException saying what is wrong with the body
     */
    static FaultPlan parse(FullHttpRequest request, FaultPlan current) {
        JsonNode body;
        try {
            body = Json.parse(request.content());
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage());
        }
        if (!body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object, e.g. {\"mode\":\"503\",\"rate\":0.5}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name
                        + "' (fields: mode, rate, scope, seed, retry_after, drip_ms, oversize_bytes)");
            }
        }
        JsonNode mode = body.get("mode");
        if (mode == null || !mode.isTextual()) {
            throw new IllegalArgumentException("mode is required: one of " + Fault.names());
        }
        FaultPlan plan = current.withMode(Fault.parse(mode.textValue()))
                .withRate(number(body, "rate", 1));
        if (body.has("scope")) {
            JsonNode scope = body.get("scope");
            plan = plan.withScope(FaultScope.parse(scope.isTextual() ? scope.textValue() : scope.toString()));
        }
        if (body.has("seed")) {
            plan = plan.withSeed(integer(body, "seed"));
        }
        if (body.has("retry_after")) {
            long seconds = integer(body, "retry_after");
            if (seconds > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("retry_after is too large: " + seconds);
            }
            plan = plan.withRetryAfterSeconds((int) seconds);
        }
        if (body.has("drip_ms")) {
            plan = plan.withDrip(Duration.ofMillis(integer(body, "drip_ms")));
        }
        if (body.has("oversize_bytes")) {
            plan = plan.withOversizeBytes(integer(body, "oversize_bytes"));
        }
        return plan;
    }

    private static double number(JsonNode body, String field, double absent) {
        JsonNode value = body.get(field);
        if (value == null) {
            return absent;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, not " + value);
        }
        return value.doubleValue();
    }

    private static long integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " must be a whole number, not " + value);
        }
        return value.longValue();
    }

    static String planJson(FaultPlan plan) {
        return "{\"mode\":\"" + plan.mode().wireName() + "\",\"rate\":" + plan.rate() + ",\"scope\":\""
                + plan.scope().wireName() + "\",\"seed\":" + plan.seed() + ",\"retry_after\":" + plan.retryAfterSeconds()
                + ",\"drip_ms\":" + plan.drip().toMillis() + ",\"oversize_bytes\":" + plan.oversizeBytes() + "}";
    }

    static String statsJson(DemoStats stats) {
        StringBuilder out = new StringBuilder("{\"requests\":").append(stats.requests())
                .append(",\"inference_requests\":").append(stats.inferenceRequests())
                .append(",\"faulted\":").append(stats.faulted())
                .append(",\"faults\":{");
        String comma = "";
        for (Fault f : Fault.values()) {
            if (f != Fault.NONE) {
                out.append(comma).append('"').append(f.wireName()).append("\":").append(stats.injected(f));
                comma = ",";
            }
        }
        return out.append("},\"open_connections\":").append(stats.openConnections())
                .append(",\"open_streams\":").append(stats.openStreams()).append('}').toString();
    }

    private static FullHttpResponse error(ByteBufAllocator alloc, boolean keepAlive, int status, String message) {
        return DemoResponses.json(alloc, keepAlive, status,
                DemoResponses.errorBody(message, "invalid_request_error", null));
    }
}
