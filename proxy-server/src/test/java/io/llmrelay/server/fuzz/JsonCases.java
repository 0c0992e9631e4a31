package io.llmrelay.server.fuzz;

import static io.llmrelay.server.fuzz.Draw.weight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON bodies for every route that takes one: a valid request of the route whose fields, one or two
 * at a time, get a value of the wrong type or an extreme one (null, numbers, booleans, arrays,
 * objects, huge strings and numbers, deep nesting, Unicode edge cases, lone surrogates written as
 * {@code \\u} escapes, bytes that are not UTF-8) or are left out; or the whole body damaged
 * (truncated, trailing garbage, not an object, not JSON).
 */
final class JsonCases {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A route that takes a JSON body, with a valid request for it ({@code %s}: the model). */
    record Endpoint(String method, String path, String template) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/chat", """
                    {"model":"%s","stream":false,"messages":[{"role":"system","content":"be brief"},
                    {"role":"user","content":"hi","images":["aGk="]}],"options":{"temperature":0.5,"num_predict":4,
                    "stop":["x"],"seed":1},"format":"json","keep_alive":"5m","think":false,"tools":[{"type":"function",
                    "function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}"""),
            new Endpoint("POST", "/api/generate", """
                    {"model":"%s","prompt":"hi","system":"s","suffix":"","stream":true,"raw":false,
                    "format":{"type":"object"},"images":["aGk="],"options":{"num_ctx":64,"top_k":2},"keep_alive":0}"""),
            new Endpoint("POST", "/api/embed", """
                    {"model":"%s","input":["a","b"],"truncate":true,"dimensions":4,"options":{},"keep_alive":"1m"}"""),
            new Endpoint("POST", "/api/embeddings", """
                    {"model":"%s","prompt":"hi","options":{"temperature":0}}"""),
            new Endpoint("POST", "/api/show", """
                    {"model":"%s","verbose":false}"""),
            new Endpoint("POST", "/api/pull", """
                    {"model":"%s","insecure":false,"stream":false}"""),
            new Endpoint("POST", "/api/push", """
                    {"model":"%s","insecure":false,"stream":false}"""),
            new Endpoint("POST", "/api/create", """
                    {"model":"fuzz-created","from":"%s","system":"s","parameters":{"temperature":0.1},"stream":false}"""),
            new Endpoint("POST", "/api/copy", """
                    {"source":"%s","destination":"fuzz-copy"}"""),
            new Endpoint("DELETE", "/api/delete", """
                    {"model":"%s"}"""),
            new Endpoint("POST", "/v1/chat/completions", """
                    {"model":"%s","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text",
                    "text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,aGk="}}]}],"stream":false,
                    "max_tokens":4,"temperature":0.5,"stream_options":{"include_usage":true},"stop":["x"],"n":1,
                    "response_format":{"type":"json_object"},"tool_choice":"auto","tools":[{"type":"function",
                    "function":{"name":"f","parameters":{"type":"object"}}}],"user":"u"}"""),
            new Endpoint("POST", "/v1/responses", """
                    {"model":"%s","instructions":"be brief","input":[{"role":"user","content":[{"type":"input_text",
                    "text":"hi"},{"type":"input_image","image_url":"data:image/png;base64,aGk="}]},{"type":"function_call",
                    "call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"x"}],
                    "stream":true,"max_output_tokens":4,"temperature":0.5,"top_p":0.9,"tools":[{"type":"function","name":"f",
                    "parameters":{"type":"object"}}],"tool_choice":"auto","parallel_tool_calls":false,
                    "text":{"format":{"type":"json_object"}},"store":false,"metadata":{"k":"v"}}"""),
            new Endpoint("POST", "/v1/completions", """
                    {"model":"%s","prompt":"hi","max_tokens":4,"stream":true,"echo":false,"stop":"x"}"""),
            new Endpoint("POST", "/v1/embeddings", """
                    {"model":"%s","input":["a"],"encoding_format":"float","dimensions":4}"""),
            new Endpoint("POST", "/v1/messages", """
                    {"model":"%s","max_tokens":4,"stream":false,"system":[{"type":"text","text":"s"}],"messages":[
                    {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"base64",
                    "media_type":"image/png","data":"aGk="}}]},{"role":"assistant","content":[{"type":"tool_use","id":"t",
                    "name":"f","input":{"a":"b"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t",
                    "content":"r","is_error":false}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}],
                    "tool_choice":{"type":"auto"},"thinking":{"type":"disabled"},"stop_sequences":["x"],
                    "temperature":0.5,"top_k":2,"metadata":{"user_id":"u"}}"""),
            new Endpoint("POST", "/v1/messages/count_tokens", """
                    {"model":"%s","system":"s","messages":[{"role":"user","content":"hi"}],
                    "tools":[{"name":"f","input_schema":{"type":"object"}}]}"""));

    /** Models a request may name: served by the demo, its embedding model, the Ollama node's, unknown, odd. */
    static final List<String> MODELS = List.of("demo", "demo-embed", FakeOllamaNode.MODEL, "no-such-model", "demo:latest",
            "", "DEMO", "../../etc/passwd", "demo\\u0000", "\\ud800", "a".repeat(3000));

    /** A value written where a field was: its name (for reports) and its JSON text, as bytes (some are not UTF-8). */
    record Replacement(String name, byte[] json) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Replacement r(String name, String json) {
        return new Replacement(name, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Replacement bytes(String name, byte... json) {
        return new Replacement(name, json);
    }

    static final List<Replacement> REPLACEMENTS = List.of(
            r("null", "null"), r("true", "true"), r("false", "false"), r("0", "0"), r("-1", "-1"), r("-0", "-0"),
            r("1.5", "1.5"), r("max long + 1", "9223372036854775808"), r("min long - 1", "-9223372036854775809"),
            r("1e308", "1e308"), r("1e999 (overflows a double)", "1e999"), r("-1e-999", "-1e-999"),
            r("999 digits", "9".repeat(999)), r("1001 digits (beyond the limit)", "7".repeat(1001)),
            r("999-digit fraction", "0." + "3".repeat(998)),
            r("empty string", "\"\""), r("blank string", "\"   \""), r("string", "\"x\""),
            r("number as string", "\"12\""), r("bool as string", "\"true\""),
            r("100 KB string", "\"" + "s".repeat(100_000) + "\""),
            r("600 KB string", "\"" + "z".repeat(600_000) + "\""),
            r("2 MB string (beyond the body limit)", "\"" + "b".repeat(2 * 1024 * 1024) + "\""),
            r("escaped NUL", "\"a\\u0000b\""), r("escaped U+FFFF", "\"\\uffff\""), r("BOM", "\"\\ufeffx\""),
            r("RTL override", "\"\\u202eabc\""), r("emoji", "\"\ud83d\ude00\""), r("combining", "\"e\\u0301\""),
            r("lone high surrogate", "\"\\ud800\""), r("lone low surrogate", "\"\\udc00\""),
            r("reversed surrogates", "\"\\udc00\\ud800\""), r("high surrogate then letter", "\"\\ud83dA\""),
            r("invalid escape", "\"\\x41\""), r("short unicode escape", "\"\\u12\""),
            r("raw control character", "\"a\u0001b\""), r("raw newline in string", "\"a\nb\""),
            bytes("invalid UTF-8", (byte) '"', (byte) 0xc3, (byte) 0x28, (byte) '"'),
            bytes("overlong UTF-8", (byte) '"', (byte) 0xc0, (byte) 0xaf, (byte) '"'),
            bytes("byte 0xFF", (byte) '"', (byte) 0xff, (byte) '"'),
            bytes("truncated UTF-8", (byte) '"', (byte) 0xe2, (byte) 0x82, (byte) '"'),
            r("empty array", "[]"), r("array of null", "[null]"), r("mixed array", "[1,\"a\",{},[],null,true]"),
            r("array of strings", "[\"a\",\"b\"]"), r("array of objects", "[{\"role\":\"user\"},{}]"),
            r("10000 elements", "[" + "0,".repeat(9999) + "0]"),
            r("10000 objects", "[" + "{\"role\":\"user\",\"content\":\"x\"},".repeat(9999) + "{}]"),
            r("empty object", "{}"), r("object", "{\"a\":1}"), r("object with empty key", "{\"\":\"\"}"),
            r("duplicate keys", "{\"a\":1,\"a\":\"b\"}"),
            r("arrays 255 deep", "[".repeat(255) + "]".repeat(255)),
            r("arrays 300 deep (beyond the limit)", "[".repeat(300) + "]".repeat(300)),
            r("arrays 5000 deep", "[".repeat(5000) + "]".repeat(5000)),
            r("objects 200 deep", "{\"a\":".repeat(200) + "1" + "}".repeat(200)),
            r("objects 400 deep", "{\"a\":".repeat(400) + "1" + "}".repeat(400)),
            r("NaN", "NaN"), r("Infinity", "Infinity"), r("single-quoted", "'x'"), r("bare word", "hello"),
            r("unclosed string", "\"abc"), r("unclosed array", "[1,2"), r("unclosed object", "{\"a\":"),
            r("comment", "/* c */ 1"), r("hex number", "0x10"), r("leading zeros", "007"), r("plus sign", "+1"));

    /** A mutation of one field: where (a path into the template) and what it becomes ({@code null}: left out). */
    record Mutation(int pathIndex, Replacement value) {
        @Override
        public String toString() {
            return "#" + pathIndex + "=" + (value == null ? "(removed)" : value);
        }
    }

    /** What is done to the whole body after the fields' mutations. */
    enum Damage {
        NONE, TRUNCATED, TRAILING_GARBAGE, TWO_VALUES, BOM, AS_ARRAY, AS_STRING, NULL_BODY, EMPTY, WHITESPACE,
        NOT_JSON, UTF16, NUL_BYTES
    }

    /** The request's other headers: its {@code Content-Type} (none when empty) and extra lines. */
    record Headers(String contentType, List<String> extra) {}

    /** One fuzzed request with a JSON body. */
    record JsonCase(Endpoint endpoint, String model, List<Mutation> mutations, Damage damage, int cut,
            Credentials credentials, boolean keyed, Headers headers) {

        String method() {
            return endpoint.method();
        }

        String path() {
            return endpoint.path();
        }

        /** The body as sent. */
        byte[] body() {
            return JsonCases.body(this);
        }

        @Override
        public String toString() {
            return method() + " " + path() + " model=" + Oracle.abbreviate(model) + " " + mutations + " damage="
                    + damage + (damage == Damage.TRUNCATED ? "@" + cut : "") + " " + credentials + " on the "
                    + (keyed ? "keyed" : "open") + " proxy, Content-Type: " + headers.contentType() + " "
                    + headers.extra();
        }
    }

    private JsonCases() {}

    /** Extra header lines a request may carry (0 to 2 of them). */
    static final List<String> EXTRA_HEADERS = List.of(
            "X-Request-ID: " + "r".repeat(300), "X-Request-ID: \u00e9\u00e8", "X-Request-ID: ",
            "X-Relay-Backend: node", "X-Relay-Backend: demo", "X-Relay-Backend: nobody", "Origin: http://evil.example",
            "Content-Encoding: gzip", "Accept: text/event-stream", "X-Forwarded-For: 10.0.0.1, garbage, [::1]:80",
            "Connection: close", "Expect: 100-continue");

    static JsonCase draw(Draw d) {
        Endpoint endpoint = d.pick(ENDPOINTS);
        String model = d.weighted(weight(6, () -> d.pick("demo", "demo-embed", FakeOllamaNode.MODEL)),
                weight(1, () -> d.pick(MODELS)));
        // one time in ten the field is left out rather than replaced
        List<Mutation> mutations = d.list(0, 2,
                () -> new Mutation(d.between(0, 200), d.chance(0.1) ? null : d.pick(REPLACEMENTS)));
        Damage damage = d.weighted(weight(12, () -> Damage.NONE), weight(3, () -> Damage.TRUNCATED),
                weight(3, () -> d.pick(Damage.class)));
        int cut = d.between(0, 100_000);
        Credentials credentials = Credentials.draw(d);
        boolean keyed = d.bool();
        String contentType = d.weighted(weight(8, () -> "application/json"),
                weight(1, () -> d.pick("text/plain", "", "application/json; charset=utf-16",
                        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded")));
        List<String> extra = d.list(0, 2, () -> d.pick(EXTRA_HEADERS));
        return new JsonCase(endpoint, model, mutations, damage, cut, credentials, keyed, new Headers(contentType, extra));
    }

    /** Every place in {@code node} a value can be replaced: object fields and array elements, depth first. */
    static List<List<Object>> paths(JsonNode node) {
        List<List<Object>> out = new ArrayList<>();
        collect(node, new ArrayList<>(), out);
        return out;
    }

    private static void collect(JsonNode node, List<Object> at, List<List<Object>> out) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(f -> {
                List<Object> p = new ArrayList<>(at);
                p.add(f);
                out.add(p);
                collect(node.get(f), p, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(at);
                p.add(i);
                out.add(p);
                collect(node.get(i), p, out);
            }
        }
    }

    static byte[] body(JsonCase c) {
        ObjectNode root;
        try {
            root = (ObjectNode) MAPPER.readTree(c.endpoint().template().formatted(c.model()).replace("\n", ""));
        } catch (IOException e) {
            // a model that breaks the template (a quote, a backslash): send it as the template made it
            return damage(c, c.endpoint().template().formatted(c.model()).getBytes(StandardCharsets.UTF_8));
        }
        List<List<Object>> paths = paths(root);
        List<Replacement> placed = new ArrayList<>();
        for (Mutation m : c.mutations()) {
            if (paths.isEmpty()) {
                break;
            }
            List<Object> path = paths.get(m.pathIndex() % paths.size());
            JsonNode parent = root;
            for (int i = 0; i < path.size() - 1 && parent != null; i++) {
                Object step = path.get(i);
                parent = step instanceof String f ? parent.get(f) : parent.get((Integer) step);
            }
            Object last = path.get(path.size() - 1);
            if (parent == null || (last instanceof Integer idx && (!parent.isArray() || idx >= parent.size()))
                    || (last instanceof String && !parent.isObject())) {
                continue; // an earlier mutation replaced what held this place
            }
            JsonNode value = m.value() == null ? null : TextNode.valueOf("@@FUZZ" + placed.size() + "@@");
            if (m.value() != null) {
                placed.add(m.value());
            }
            if (last instanceof String f) {
                if (value == null) {
                    ((ObjectNode) parent).remove(f);
                } else {
                    ((ObjectNode) parent).set(f, value);
                }
            } else if (value == null) {
                ((ArrayNode) parent).remove((Integer) last);
            } else {
                ((ArrayNode) parent).set((Integer) last, value);
            }
        }
        String text = root.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 64);
        int from = 0;
        for (int i = 0; i < placed.size(); i++) {
            String marker = "\"@@FUZZ" + i + "@@\"";
            int at = text.indexOf(marker, from);
            if (at < 0) {
                continue;
            }
            out.writeBytes(text.substring(from, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(placed.get(i).json());
            from = at + marker.length();
        }
        out.writeBytes(text.substring(from).getBytes(StandardCharsets.UTF_8));
        return damage(c, out.toByteArray());
    }

    private static byte[] damage(JsonCase c, byte[] body) {
        return switch (c.damage()) {
            case NONE -> body;
            case TRUNCATED -> java.util.Arrays.copyOf(body, body.length == 0 ? 0 : c.cut() % body.length);
            case TRAILING_GARBAGE -> concat(body, "}]x\"".getBytes(StandardCharsets.UTF_8));
            case TWO_VALUES -> concat(body, body);
            case BOM -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, body);
            case AS_ARRAY -> concat(concat(new byte[] {'['}, body), new byte[] {']'});
            case AS_STRING -> "\"{\\\"model\\\":\\\"demo\\\"}\"".getBytes(StandardCharsets.UTF_8);
            case NULL_BODY -> "null".getBytes(StandardCharsets.UTF_8);
            case EMPTY -> new byte[0];
            case WHITESPACE -> " \r\n\t ".getBytes(StandardCharsets.UTF_8);
            case NOT_JSON -> "model=demo&prompt=hi".getBytes(StandardCharsets.UTF_8);
            case UTF16 -> new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
            case NUL_BYTES -> concat(body, new byte[] {0, 0, 0});
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static {
        try {
            for (Endpoint e : ENDPOINTS) {
                MAPPER.readTree(e.template().formatted("demo").replace("\n", "")); // every template is valid JSON
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
