package io.llmrelay.server.fuzz;

import static io.llmrelay.server.fuzz.Draw.weight;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Raw HTTP bytes: valid requests mutated (bit flips, bytes set, truncation at any point, bytes
 * inserted, deleted or repeated), and malformed on purpose: bad request lines, invalid header names and
 * values, absurd {@code Content-Length}s, chunked encoding garbage, header floods, very long targets,
 * several requests in one write.
 */
final class RawCases {

    /** One fuzzed stream of bytes, with what produced it. */
    record RawCase(String description, byte[] bytes, boolean keyed) {
        @Override
        public String toString() {
            return FuzzTarget.masked(description + " on the " + (keyed ? "keyed" : "open") + " proxy (" + bytes.length
                    + " bytes): " + Oracle.abbreviate(new String(bytes, StandardCharsets.ISO_8859_1)
                    .replace("\r", "\\r").replace("\n", "\\n")));
        }
    }

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    private static final String V1_CHAT = "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";

    /** Valid requests, each a starting point for mutations. */
    static final List<String> VALID = List.of(
            "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + FuzzTarget.ALL_KEY + "\r\n\r\n",
            "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + CHAT.length() + "\r\nx-api-key: " + FuzzTarget.ALL_KEY + "\r\n\r\n" + CHAT,
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nAuthorization: Bearer " + FuzzTarget.LIMITED_KEY + "\r\n\r\n"
                    + Integer.toHexString(20) + "\r\n" + V1_CHAT.substring(0, 20) + "\r\n"
                    + Integer.toHexString(V1_CHAT.length() - 20) + "\r\n" + V1_CHAT.substring(20) + "\r\n0\r\n\r\n",
            "GET /api/version HTTP/1.0\r\n\r\n",
            "POST /api/show HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 16\r\n"
                    + "Authorization: Bearer " + FuzzTarget.ALL_KEY + "\r\n\r\n{\"model\":\"demo\"}",
            // two requests in one write (no HEAD among the bases: its answer's length names no body to read)
            "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");

    /** One change to a stream of bytes. */
    record Mutation(Kind kind, int at, int value) {
        enum Kind { FLIP_BIT, SET_BYTE, TRUNCATE, INSERT, DELETE, REPEAT }

        private static final byte[] INTERESTING = {0, '\r', '\n', ' ', ':', '\t', 0x7f, (byte) 0x80, (byte) 0xff,
            '"', '{', '0', '-', ';', ',', '/', '?', '%'};
        private static final List<String> INSERTS = List.of("\r\n", "\r\n\r\n", "\n", ": ", " ", "\0",
                "Content-Length: 5\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked\r\n",
                "Transfer-Encoding: identity\r\n", "Connection: close\r\n", "Expect: 100-continue\r\n",
                "GET / HTTP/1.1\r\n\r\n", "%", "%00", "?a=%zz", "\u00ff\u00fe", "\r\n0\r\n\r\n");

        byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            int pos = Math.floorMod(at, in.length);
            byte[] out;
            switch (kind) {
                case FLIP_BIT -> {
                    out = in.clone();
                    out[pos] ^= (byte) (1 << Math.floorMod(value, 8));
                }
                case SET_BYTE -> {
                    out = in.clone();
                    out[pos] = INTERESTING[Math.floorMod(value, INTERESTING.length)];
                }
                case TRUNCATE -> out = Arrays.copyOf(in, pos);
                case INSERT -> {
                    byte[] add = INSERTS.get(Math.floorMod(value, INSERTS.size())).getBytes(StandardCharsets.ISO_8859_1);
                    out = new byte[in.length + add.length];
                    System.arraycopy(in, 0, out, 0, pos);
                    System.arraycopy(add, 0, out, pos, add.length);
                    System.arraycopy(in, pos, out, pos + add.length, in.length - pos);
                }
                case DELETE -> {
                    int n = Math.min(in.length - pos, 1 + Math.floorMod(value, 16));
                    out = new byte[in.length - n];
                    System.arraycopy(in, 0, out, 0, pos);
                    System.arraycopy(in, pos + n, out, pos, in.length - pos - n);
                }
                default -> {
                    int n = Math.min(in.length - pos, 1 + Math.floorMod(value, 64));
                    out = new byte[in.length + n];
                    System.arraycopy(in, 0, out, 0, pos + n);
                    System.arraycopy(in, pos, out, pos + n, in.length - pos);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return kind + "@" + at + "/" + value;
        }
    }

    private RawCases() {}

    static RawCase draw(Draw d) {
        return d.weighted(
                weight(6, () -> mutated(d)),
                weight(1, () -> badRequestLine(d)),
                weight(1, () -> badHeaders(d)),
                weight(1, () -> contentLength(d)),
                weight(1, () -> chunkedGarbage(d)),
                weight(1, () -> flood(d)),
                weight(1, () -> longTarget(d)));
    }

    static RawCase mutated(Draw d) {
        int base = d.between(0, VALID.size() - 1);
        List<Mutation> mutations = d.list(1, 4,
                () -> new Mutation(d.pick(Mutation.Kind.class), d.between(0, 1_000), d.between(0, 255)));
        boolean keyed = d.bool();
        byte[] bytes = VALID.get(base).getBytes(StandardCharsets.ISO_8859_1);
        for (Mutation m : mutations) {
            bytes = m.apply(bytes);
        }
        return new RawCase("valid request #" + base + " mutated " + mutations, bytes, keyed);
    }

    static final List<String> METHODS = List.of("GET", "POST", "get", "G ET", "", "PUT", "PATCH", "OPTIONS", "TRACE",
            "CONNECT", "PRI", "BREW", "GET\0", "X".repeat(300), "\u00c9T\u00c9", "DELETE");
    static final List<String> TARGETS = List.of("/api/tags", "*", "http://127.0.0.1/api/tags", "//api//tags", "",
            "/../../etc/passwd", "/api/tags?%", "/%00", "/api/tags#frag", "api/tags", "/api/ta gs", "/\u00ff\u00fe",
            "/api/%74ags", "/API/TAGS", "/api/blobs/", "/api/blobs/sha256:" + "0".repeat(64), "/v1/models/%2e%2e",
            "/v1/models/" + "m".repeat(2000), "/api/show?model=demo", "/health/ready/", "/internal/reload",
            "/v1", "/v1/", "/api/tags\t", "/api/chat;x=y");
    static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "http/1.1",
            "HTTP/1.10", "HTTP/1.1 extra", "", "HTTP/1", "HTTP/9.9", "HTTP/1.1\0", "ICAP/1.0");

    static RawCase badRequestLine(Draw d) {
        String m = d.pick(METHODS);
        String t = d.pick(TARGETS);
        String v = d.pick(VERSIONS);
        String sep = d.pick(" ", "  ", "\t", "\u000b");
        String end = d.pick("\r\n", "\n", "\r", "\r\r\n");
        boolean keyed = d.bool();
        String line = m + sep + t + (v.isEmpty() ? "" : sep + v);
        String req = line + end + "Host: 127.0.0.1" + end + "Authorization: Bearer " + FuzzTarget.ALL_KEY + end
                + "Content-Length: 2" + end + end + "{}";
        return new RawCase("request line '" + line + "'", req.getBytes(StandardCharsets.ISO_8859_1), keyed);
    }

    static final List<String> BAD_HEADERS = List.of("X Bad: v", "X-Bad : v", ": v", "X-Bad", "X-Bad:", "X-\u00e9: v",
            "X-Bad: a\0b", "X-Bad: a\rb", " folded: continuation", "\tX-Tab: v", "X-Bad:\u00ff\u00fe",
            "Host: a", "Host: a\r\nHost: b", "Host:", "Content-Type: application/json\r\nContent-Type: text/plain",
            "Connection: upgrade\r\nUpgrade: h2c", "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
            "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: xyz",
            "Transfer-Encoding: chunked\r\nContent-Length: 2", "Expect: 100-continue", "Expect: 200-ok",
            "X-Request-ID: " + "i".repeat(20_000), "Authorization: Bearer\0" + FuzzTarget.ALL_KEY,
            "Authorization: " + "B".repeat(40_000), "x-api-key: \u00ff", "Origin: null",
            "Access-Control-Request-Method: POST", "X-Forwarded-For: " + "1.2.3.4, ".repeat(500) + "x");

    static RawCase badHeaders(Draw d) {
        String r = d.pick("POST /api/chat", "POST /v1/chat/completions", "GET /api/tags", "OPTIONS /api/chat",
                "GET /metrics", "POST /api/pull", "DELETE /api/delete");
        List<String> hs = d.list(1, 3, () -> d.pick(BAD_HEADERS));
        boolean keyed = d.bool();
        StringBuilder req = new StringBuilder(r + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        hs.forEach(h -> req.append(h).append("\r\n"));
        req.append("Content-Length: ").append(CHAT.length()).append("\r\n\r\n").append(CHAT);
        return new RawCase(r + " with headers " + hs.stream().map(Oracle::abbreviate).toList(),
                req.toString().getBytes(StandardCharsets.ISO_8859_1), keyed);
    }

    static final List<String> CONTENT_LENGTHS = List.of("-1", "abc", "99999999999999999999999", "9223372036854775807",
            "2147483648", "1048577", "0x10", "+5", " 5", "5 ", "5, 5", "5, 6", "", "1e3", "0", "10", "4",
            "18446744073709551616", "00000000000000000000000005");

    static RawCase contentLength(Draw d) {
        String cl = d.pick(CONTENT_LENGTHS);
        String path = d.pick("/api/chat", "/v1/embeddings", "/api/show");
        int n = d.between(0, 40);
        boolean keyed = d.bool();
        String body = (CHAT + CHAT).substring(0, Math.min(n, CHAT.length() * 2));
        String req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + cl + "\r\n"
                + "Authorization: Bearer " + FuzzTarget.ALL_KEY + "\r\n\r\n" + body;
        return new RawCase("Content-Length '" + cl + "' with " + body.length() + " bytes",
                req.getBytes(StandardCharsets.ISO_8859_1), keyed);
    }

    static final List<String> CHUNKS = List.of("5\r\nhello\r\n", "zz\r\nhi\r\n", "ffffffffffffffff\r\nx\r\n",
            "-1\r\n", "5;ext=1\r\nhello\r\n", "5;" + "e".repeat(9000) + "\r\nhello\r\n", "3\r\nhello\r\n",
            "10\r\nhi\r\n", "5\rhello\r\n", "5\nhello\n", "0\r\nTrailer: x\r\n\r\n", "0\r\n\r\n", "0\r\n",
            "0\r\n" + "T: v\r\n".repeat(200) + "\r\n", " 5\r\nhello\r\n", "5 \r\nhello\r\n", "\r\n",
            "100000\r\n" + "a".repeat(100) + "\r\n", "1\r\n{\r\n", "7fffffff\r\n");

    static RawCase chunkedGarbage(Draw d) {
        String path = d.pick("/api/chat", "/v1/chat/completions", "/api/pull");
        List<String> chunks = d.list(1, 5, () -> d.pick(CHUNKS));
        boolean keyed = d.bool();
        String req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "x-api-key: " + FuzzTarget.ALL_KEY + "\r\n\r\n" + String.join("", chunks);
        return new RawCase("chunked " + path + " " + chunks.stream().map(Oracle::abbreviate).toList(),
                req.getBytes(StandardCharsets.ISO_8859_1), keyed);
    }

    static RawCase flood(Draw d) {
        int count = d.between(50, 400);
        int size = d.between(1, 600);
        boolean sameName = d.bool();
        boolean keyed = d.bool();
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < count; i++) {
            String h = (sameName ? "X-Flood" : "X-Flood-" + i) + ": " + "v".repeat(size) + "\r\n";
            req.writeBytes(h.getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return new RawCase(count + " headers of " + size + " bytes", req.toByteArray(), keyed);
    }

    static RawCase longTarget(Draw d) {
        String path = d.pick("/api/tags", "/v1/models/", "/api/blobs/", "/", "/api/chat?");
        String f = d.pick("a", "%41", "/", "?", "&x=", "%", "\u00e9", "..", "%2F");
        int n = d.between(1, 6_000);
        String method = d.pick("GET", "POST");
        boolean keyed = d.bool();
        String target = path + f.repeat(n);
        String req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                + "Authorization: Bearer " + FuzzTarget.ALL_KEY + "\r\n\r\n";
        return new RawCase(method + " target of " + target.length() + " chars (" + path + " + '" + f + "' x " + n
                + ")", req.getBytes(StandardCharsets.ISO_8859_1), keyed);
    }
}
