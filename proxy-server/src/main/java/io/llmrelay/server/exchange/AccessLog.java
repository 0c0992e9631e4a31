package io.llmrelay.server.exchange;

import com.fasterxml.jackson.core.io.SerializedString;
import io.llmrelay.server.log.DirectLines;
import io.llmrelay.server.log.FieldSink;
import io.llmrelay.server.log.JsonFields;
import io.llmrelay.server.log.LogFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request. In JSON mode the fields are JSON members and the message is only
 * {@code POST /api/chat 200}; in text mode the message reads
 * {@code method=POST path=/api/chat status=200 request_id=... model=...}. Headers are never logged,
 * so neither the client's nor the backend's credentials can appear; a client key shows as its name
 * ({@code key}), and {@code client_ip} is the client's address as the gate found it (a trusted
 * proxy's {@code X-Forwarded-For} read).
 *
 * <p>The fields travel as one structured argument ({@link JsonFields}) that writes itself with typed
 * calls: a {@code keyValue} marker per field, each value boxed and written as an object, made the
 * line cost more than the rest of a pass-through request's work. Where only the proxy's own output
 * would see it, the JSON line is written without a logging event at all ({@link DirectLines}).
 */
final class AccessLog {

    private static final String NAME = "llm_relay.access";
    private static final Logger LOG = LoggerFactory.getLogger(NAME);
    private static final DirectLines DIRECT = DirectLines.of(NAME);

    private AccessLog() {}

    static void log(Exchange ex, long endNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        boolean json = LogFormat.json();
        Line line = new Line(ex, endNanos, json);
        if (!json || !DIRECT.info(line.toString(), line)) {
            LOG.info("{}", line);
        }
    }

    /** The line's fields, read from the exchange when it ends. */
    static final class Line implements JsonFields {
        // the field names, encoded once (a name given as a String is checked and encoded on every line)
        private static final SerializedString METHOD = new SerializedString("method");
        private static final SerializedString PATH = new SerializedString("path");
        private static final SerializedString STATUS = new SerializedString("status");
        private static final SerializedString REQUEST_ID = new SerializedString("request_id");
        private static final SerializedString MODEL = new SerializedString("model");
        private static final SerializedString BACKEND = new SerializedString("backend");
        private static final SerializedString BYTES = new SerializedString("bytes");
        private static final SerializedString TTFB_US = new SerializedString("ttfb_us");
        private static final SerializedString DURATION_US = new SerializedString("duration_us");
        private static final SerializedString OVERHEAD_US = new SerializedString("overhead_us");
        private static final SerializedString OUTCOME = new SerializedString("outcome");
        private static final SerializedString CLIENT_IP = new SerializedString("client_ip");
        private static final SerializedString KEY = new SerializedString("key");
        private static final SerializedString ERROR = new SerializedString("error");

        private final String method;
        private final String path;
        private final int status;
        private final String requestId;
        private final String model;
        private final String backend;
        private final long bytes;
        private final long ttfbMicros;
        private final long durationMicros;
        private final long overheadMicros;
        private final String outcome;
        private final String clientIp;
        private final String key;
        private final String error;
        /** JSON lines carry the fields as members, so the message only names the request. */
        private final boolean json;

        Line(Exchange ex, long endNanos, boolean json) {
            this.method = ex.method().name();
            this.path = ex.path();
            this.status = ex.status();
            this.requestId = ex.requestId();
            this.model = ex.model();
            this.backend = ex.backendName();
            this.bytes = ex.bytesOut();
            this.ttfbMicros = ex.times().firstByte == 0 ? -1 : (ex.times().firstByte - ex.times().start) / 1_000;
            this.durationMicros = (endNanos - ex.times().start) / 1_000;
            this.overheadMicros = ex.overheadNanos() / 1_000;
            this.outcome = ex.outcome().label();
            this.clientIp = ex.clientIp();
            this.key = ex.keyName();
            this.error = ex.error();
            this.json = json;
        }

        @Override
        public void writeFields(FieldSink out) throws IOException {
            out.field(METHOD, method);
            out.field(PATH, path);
            out.field(STATUS, status);
            out.field(REQUEST_ID, requestId);
            out.field(MODEL, model);
            out.field(BACKEND, backend);
            out.field(BYTES, bytes);
            out.field(TTFB_US, ttfbMicros);
            out.field(DURATION_US, durationMicros);
            out.field(OVERHEAD_US, overheadMicros);
            out.field(OUTCOME, outcome);
            out.field(CLIENT_IP, clientIp);
            out.field(KEY, key);
            if (error != null) {
                out.field(ERROR, error);
            }
        }

        /** The message: {@code POST /api/chat 200} (JSON), or every field as {@code name=value} (text). */
        @Override
        public String toString() {
            if (json) {
                return method + ' ' + path + ' ' + status;
            }
            TextFields text = new TextFields();
            try {
                writeFields(text);
            } catch (IOException e) { // a StringBuilder does not fail
                throw new UncheckedIOException(e);
            }
            return text.line.toString();
        }
    }

    /** The fields as {@code name=value}, space-separated, in the order the JSON line has them. */
    private static final class TextFields implements FieldSink {
        final StringBuilder line = new StringBuilder(256);

        private StringBuilder name(SerializedString name) {
            if (line.length() > 0) {
                line.append(' ');
            }
            return line.append(name.getValue()).append('=');
        }

        @Override
        public void field(SerializedString name, String value) {
            name(name).append(value);
        }

        @Override
        public void field(SerializedString name, long value) {
            name(name).append(value);
        }

        @Override
        public void field(SerializedString name, char[] chars, int length) {
            name(name).append(chars, 0, length);
        }
    }
}
