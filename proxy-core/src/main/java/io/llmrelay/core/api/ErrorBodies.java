package io.llmrelay.core.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The single place that knows what an error looks like in each client API, before a response has
 * started (a whole body) and after (one last stream line or event).
 */
public final class ErrorBodies {

    private ErrorBodies() {}

    /**
     * A whole error body: Ollama {@code {"error":"m"}}, OpenAI {@code {"error":{"message":"m","type":..}}},
     * Anthropic {@code {"type":"error","error":{"type":..,"message":"m"}}}.
     */
    public static ByteBuf body(ByteBufAllocator alloc, ClientApi api, int status, String message) {
        ByteBuf out = alloc.buffer(64 + message.length());
        write(out, api, status, message);
        return out;
    }

    /**
     * The last piece of a stream that failed after it started: an NDJSON line for Ollama clients,
     * an SSE {@code data:} event for OpenAI clients, an {@code event: error} for Anthropic clients.
     */
    public static ByteBuf streamTerminator(ByteBufAllocator alloc, ClientApi api, int status, String message) {
        ByteBuf out = alloc.buffer(80 + message.length());
        if (api == ClientApi.ANTHROPIC) {
            out.writeBytes(ERROR_EVENT_PREFIX);
            write(out, api, status, message);
            out.writeByte('\n').writeByte('\n');
        } else if (api == ClientApi.OPENAI) {
            out.writeBytes(DATA_PREFIX);
            write(out, api, status, message);
            out.writeByte('\n').writeByte('\n');
        } else {
            write(out, api, status, message);
            out.writeByte('\n');
        }
        return out;
    }

    private static final byte[] DATA_PREFIX = {'d', 'a', 't', 'a', ':', ' '};
    private static final byte[] ERROR_EVENT_PREFIX = "event: error\ndata: ".getBytes(StandardCharsets.US_ASCII);

    private static void write(ByteBuf out, ClientApi api, int status, String message) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            if (api == ClientApi.ANTHROPIC) {
                g.writeStringField("type", "error");
                g.writeObjectFieldStart("error");
                g.writeStringField("type", anthropicType(status));
                g.writeStringField("message", message);
                g.writeEndObject();
            } else if (api == ClientApi.OPENAI) {
                g.writeObjectFieldStart("error");
                g.writeStringField("message", message);
                g.writeStringField("type", openAiType(status));
                g.writeNullField("param");
                String code = openAiCode(status);
                if (code == null) {
                    g.writeNullField("code");
                } else {
                    g.writeStringField("code", code);
                }
                g.writeEndObject();
            } else {
                g.writeStringField("error", message);
            }
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * OpenAI's error {@code code} for a status, where OpenAI's clients look for one: {@code invalid_api_key}
     * on a 401 (what OpenAI answers to a missing or wrong key); null otherwise.
     */
    public static String openAiCode(int status) {
        return status == 401 ? "invalid_api_key" : null;
    }

    /** OpenAI's error {@code type} for a status, as OpenAI and Ollama's compatibility layer use it. */
    public static String openAiType(int status) {
        switch (status) {
            case 400:
            case 413:
            case 422:
                return "invalid_request_error";
            case 401:
                return "authentication_error";
            case 403:
                return "permission_error";
            case 404:
                return "not_found_error";
            case 429:
                return "rate_limit_error";
            default:
                return "api_error";
        }
    }

    /** Anthropic's error {@code type} for a status, as its API documents them and its SDKs map them. */
    public static String anthropicType(int status) {
        switch (status) {
            case 400:
            case 405:
            case 422:
            case 431:
            case 414:
                return "invalid_request_error";
            case 401:
                return "authentication_error";
            case 403:
                return "permission_error";
            case 404:
                return "not_found_error";
            case 413:
                return "request_too_large";
            case 429:
                return "rate_limit_error";
            case 503:
            case 529:
                return "overloaded_error";
            case 504:
                return "timeout_error";
            default:
                return "api_error";
        }
    }
}
