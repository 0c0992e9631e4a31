package io.llmrelay.server.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A bare socket to the demo backend that records every byte it reads and how the reading ended:
 * the server's clean close, a reset, or the client's own time-out. What a fault test asserts is
 * exactly this, so no HTTP library stands in between.
 */
final class WireClient implements AutoCloseable {

    /** How reading ended. */
    enum Ending { CLEAN_CLOSE, RESET, TIMEOUT }

    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static WireClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new WireClient(s);
    }

    /** A POST with a JSON body that asks the server to close after answering. */
    static byte[] post(String path, String json) {
        return request("POST", path, json);
    }

    static byte[] get(String path) {
        return request("GET", path, null);
    }

    private static byte[] request(String method, String path, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    WireClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads until the server closes or resets, or nothing comes for {@code timeoutMillis}. */
    Ending readToEnd(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        byte[] buf = new byte[64 * 1024];
        try {
            for (int r; (r = in.read(buf)) >= 0; ) {
                seen.write(buf, 0, r);
            }
            return Ending.CLEAN_CLOSE;
        } catch (SocketTimeoutException e) {
            return Ending.TIMEOUT;
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return Ending.RESET;
            }
            throw e;
        }
    }

    /** Reads until what was seen contains {@code marker} {@code times} times (or the stream ends). */
    void readUntil(String marker, int times) throws IOException {
        byte[] buf = new byte[8192];
        while (count(text(), marker) < times) {
            int r = in.read(buf);
            if (r < 0) {
                return;
            }
            seen.write(buf, 0, r);
        }
    }

    /** Reads exactly {@code n} more bytes. */
    void readBytes(int n) throws IOException {
        seen.write(in.readNBytes(n), 0, n);
    }

    byte[] bytes() {
        return seen.toByteArray();
    }

    String text() {
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** The head: status line and headers, up to the blank line. */
    String head() {
        String t = seen.toString(StandardCharsets.ISO_8859_1);
        int end = t.indexOf("\r\n\r\n");
        return end < 0 ? t : t.substring(0, end + 2);
    }

    /** The body as sent: everything after the head's blank line (chunk framing included). */
    byte[] rawBody() {
        byte[] all = seen.toByteArray();
        int start = seen.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        byte[] out = new byte[all.length - start];
        System.arraycopy(all, start, out, 0, out.length);
        return out;
    }

    /** The body with its chunk framing removed, as far as it came (a cut chunk counts as far as it got). */
    String dechunkedBody() {
        byte[] raw = rawBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            int eol = indexOf(raw, at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(new String(raw, at, eol - at, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                break;
            }
            int from = eol + 2;
            out.write(raw, from, Math.min(size, raw.length - from));
            at = from + size + 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
            n++;
        }
        return n;
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
