package io.llmrelay.server.testing;

import io.llmrelay.testing.SeenSecrets;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket, for tests that need control a library hides: a tiny receive
 * window, pausing reads, or closing mid-response.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Connects with the given receive buffer (set before connecting, so it bounds the TCP window). */
    public static RawHttp connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.setSoTimeout(20_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawHttp(s);
    }

    public void post(String path, String json, String... extraHeaders) throws IOException {
        send(request(path, json, extraHeaders));
    }

    /** Sends the head, waits, then the body: the server sees the request in two reads. */
    public void postInTwoParts(String path, String json, long pauseMillis) throws IOException, InterruptedException {
        byte[] whole = request(path, json);
        int headEnd = new String(whole, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        socket.getOutputStream().write(whole, 0, headEnd);
        socket.getOutputStream().flush();
        SeenSecrets.requestHead(whole);
        Thread.sleep(pauseMillis);
        socket.getOutputStream().write(whole, headEnd, whole.length - headEnd);
        socket.getOutputStream().flush();
    }

    /** Writes raw bytes, e.g. several pipelined requests at once; their credential headers are recorded for the log scan. */
    public void send(byte[] bytes) throws IOException {
        SeenSecrets.requestHead(bytes);
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** The bytes of a POST with a JSON body. */
    public static byte[] request(String path, String json, String... extraHeaders) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** The bytes of a GET. */
    public static byte[] getRequest(String path, String... extraHeaders) {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One response off the wire: status, headers (names in lower case), body (de-chunked); {@code cut}
     * when the connection closed before the body's end (then the body is what came).
     */
    public record Response(int status, Map<String, String> headers, String body, boolean cut) {

        public Response(int status, Map<String, String> headers, String body) {
            this(status, headers, body, false);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Reads exactly one response, from its status line to the end of its body (by Content-Length or
     * chunked), and no further; null when the server closed the connection before another began. For
     * a connection read only this way.
     */
    public Response readResponse() throws IOException {
        return readResponse(false, false);
    }

    /**
     * Reads one response as {@link #readResponse()} does; for a HEAD request ({@code head}) no body is
     * read whatever the headers say; with {@code cutAllowed} a connection that closes inside the body
     * gives the response read so far, marked {@code cut}, instead of an error.
     */
    public Response readResponse(boolean head, boolean cutAllowed) throws IOException {
        String statusLine = line(true);
        if (statusLine == null) {
            return null;
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(false); !h.isEmpty(); h = line(false)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if (head) {
                return new Response(status, headers, "");
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = chunkSize(line(false)); size > 0; size = chunkSize(line(false))) {
                    body.write(exactly(size));
                    line(false); // the CRLF after the chunk
                }
                while (!line(false).isEmpty()) {
                    // trailers
                }
            } else if (headers.containsKey("content-length")) {
                body.write(exactly(Integer.parseInt(headers.get("content-length"))));
            }
        } catch (EOFException e) {
            if (!cutAllowed) {
                throw e;
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8), true);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Closes the sending side (a TCP half-close): the server reads the end of the stream after what was sent. */
    public void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    /** True when the server has closed the connection: the next read finds its end (waits up to the socket timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static int chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
    }

    private byte[] exactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the connection closed " + (n - bytes.length) + " bytes before the end of a body");
        }
        seen.write(bytes, 0, n);
        return bytes;
    }

    /** One CRLF-ended line; at the end of the stream null if {@code endAllowed} and nothing was read, else an error. */
    private String line(boolean endAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            seen.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        if (endAllowed && line.size() == 0) {
            return null;
        }
        throw new EOFException("the connection closed in the middle of a response: '"
                + line.toString(StandardCharsets.ISO_8859_1) + "'");
    }

    /** Reads at least {@code n} bytes (or to EOF) and returns them. */
    public byte[] read(int n) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[Math.min(n, 8192)];
        while (got.size() < n) {
            int r = in.read(buf, 0, Math.min(buf.length, n - got.size()));
            if (r < 0) {
                break;
            }
            got.write(buf, 0, r);
        }
        seen.write(got.toByteArray(), 0, got.size());
        return got.toByteArray();
    }

    /** Reads until everything seen on the connection so far contains {@code marker} (or EOF). */
    public void readUntil(String marker) throws IOException {
        byte[] buf = new byte[8192];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int r = in.read(buf);
            if (r < 0) {
                return;
            }
            seen.write(buf, 0, r);
        }
    }

    /** Everything until the server closes the connection, as text (heads and bodies, raw). */
    public String readAllRaw() throws IOException {
        seen.write(in.readAllBytes());
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Reads to the end (the server closes) and returns the de-chunked body of the whole response. */
    public String readChunkedBodyToEnd() throws IOException {
        seen.write(in.readAllBytes());
        byte[] all = seen.toByteArray();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int bodyStart = text.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = bodyStart;
        while (true) {
            int eol = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            body.write(all, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
