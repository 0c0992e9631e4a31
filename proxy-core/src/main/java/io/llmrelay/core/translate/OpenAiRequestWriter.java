package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes the OpenAI request for an Ollama one, with a streaming generator straight into the outgoing
 * buffer. Chat and generate share this one path; only raw and fill-in-the-middle generate requests
 * go to {@code /v1/completions}.
 *
 * <p>Translated requests always stream upstream, with usage requested, even when the Ollama client
 * asked for one JSON answer: the proxy then measures time to first token itself and merges the
 * stream, exactly as the Ollama server does for {@code stream:false}.
 */
public final class OpenAiRequestWriter {

    private OpenAiRequestWriter() {}

    /** The upstream path (relative to the backend's base URL) for a translated inference request. */
    public static String path(InferenceRequest request) {
        return request.shape() == InferenceRequest.Shape.COMPLETION ? "/completions" : "/chat/completions";
    }

    /** Writes the body of the upstream request for {@code request}, naming the backend's model id. */
    public static void inference(InferenceRequest request, String backendModel, BackendFlavor flavor, ByteBuf out) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("model", backendModel);
            if (request.shape() == InferenceRequest.Shape.COMPLETION) {
                g.writeStringField("prompt", request.prompt());
                if (request.suffix() != null) {
                    g.writeStringField("suffix", request.suffix());
                }
            } else {
                writeMessages(g, request.messages());
            }
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
            writeOptions(g, request.options(), flavor);
            if (request.tools() != null) {
                g.writeFieldName("tools");
                Json.writeTree(g, request.tools());
            }
            if (request.toolChoice() != null) {
                g.writeFieldName("tool_choice");
                Json.writeTree(g, request.toolChoice());
            }
            if (request.parallelToolCalls() != null && request.tools() != null) { // OpenAI refuses it without tools
                g.writeBooleanField("parallel_tool_calls", request.parallelToolCalls());
            }
            if (request.user() != null) {
                g.writeStringField("user", request.user());
            }
            writeFormat(g, request.format());
            writeThink(g, request.think(), flavor);
            writeLogprobs(g, request);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an OpenAI {@code /v1/embeddings} body for an Ollama embed request. */
    public static void embeddings(EmbedRequest request, String backendModel, ByteBuf out) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("model", backendModel);
            g.writeArrayFieldStart("input");
            for (String input : request.inputs()) {
                g.writeString(input);
            }
            g.writeEndArray();
            g.writeStringField("encoding_format", "float");
            if (request.dimensions() != null) {
                g.writeNumberField("dimensions", request.dimensions());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeMessages(JsonGenerator g, List<ChatMessage> messages) throws IOException {
        ToolCallIds ids = new ToolCallIds();
        g.writeArrayFieldStart("messages");
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            g.writeStartObject();
            g.writeStringField("role", m.role());
            writeContent(g, m);
            if (m.toolCalls() != null) {
                ids.newTurn();
                writeToolCalls(g, m.toolCalls(), ids, i);
            }
            if (m.role().equals("tool")) {
                g.writeStringField("tool_call_id", ids.forResult(m.toolCallId(), m.toolName(), i));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Plain text stays a string; images (and client-sent parts) become an OpenAI content-part array. */
    private static void writeContent(JsonGenerator g, ChatMessage m) throws IOException {
        String text = m.content() == null ? "" : m.content();
        if (m.images().isEmpty() && m.contentParts() == null) {
            g.writeStringField("content", text);
            return;
        }
        g.writeArrayFieldStart("content");
        if (m.contentParts() != null) {
            for (JsonNode part : m.contentParts()) {
                writePart(g, part);
            }
        }
        if (!text.isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text);
            g.writeEndObject();
        }
        for (String image : m.images()) {
            writeImagePart(g, ImageData.dataUrl(image));
        }
        g.writeEndArray();
    }

    private static void writePart(JsonGenerator g, JsonNode part) throws IOException {
        JsonNode imageUrl = part.get("image_url");
        if (imageUrl != null && imageUrl.isTextual()) {
            writeImagePart(g, imageUrl.textValue()); // OpenAI wants {"url": ...}, some clients send the bare string
        } else {
            Json.writeTree(g, part);
        }
    }

    private static void writeImagePart(JsonGenerator g, String url) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "image_url");
        g.writeObjectFieldStart("image_url");
        g.writeStringField("url", url);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Ollama tool calls (arguments an object) as OpenAI ones (arguments a JSON string, an id always). */
    private static void writeToolCalls(JsonGenerator g, ArrayNode calls, ToolCallIds ids, int messageIndex)
            throws IOException {
        g.writeArrayFieldStart("tool_calls");
        for (int c = 0; c < calls.size(); c++) {
            JsonNode call = calls.get(c);
            JsonNode function = call.get("function");
            String name = function.get("name").textValue();
            JsonNode id = call.get("id");
            JsonNode args = function.get("arguments");
            g.writeStartObject();
            g.writeStringField("id", ids.forCall(id != null && id.isTextual() ? id.textValue() : null, messageIndex, c, name));
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", name);
            g.writeStringField("arguments", args == null || args.isNull() ? "{}"
                    : args.isTextual() ? args.textValue() : Json.write(args));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeOptions(JsonGenerator g, Map<SamplingOption, Object> options, BackendFlavor flavor)
            throws IOException {
        for (Map.Entry<SamplingOption, Object> e : options.entrySet()) {
            String field = e.getKey().field(flavor);
            if (field == null) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Long) {
                g.writeNumberField(field, (Long) v);
            } else if (v instanceof Double) {
                g.writeNumberField(field, (Double) v);
            } else {
                g.writeArrayFieldStart(field);
                for (Object s : (List<?>) v) {
                    g.writeString((String) s);
                }
                g.writeEndArray();
            }
        }
    }

    private static void writeFormat(JsonGenerator g, JsonNode format) throws IOException {
        if (format == null) {
            return;
        }
        g.writeObjectFieldStart("response_format");
        if (format.isTextual()) {
            g.writeStringField("type", "json_object");
        } else {
            g.writeStringField("type", "json_schema");
            g.writeObjectFieldStart("json_schema");
            g.writeStringField("name", "schema");
            g.writeFieldName("schema");
            Json.writeTree(g, format);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * {@code think} in each flavour's own terms; see docs/TRANSLATION.md for the table. A level of
     * {@code max} becomes {@code high} where the backend has no higher level.
     */
    private static void writeThink(JsonGenerator g, Think think, BackendFlavor flavor) throws IOException {
        if (think == null) {
            return;
        }
        String level = think.level() == null ? null : think.level().equals("max") ? "high" : think.level();
        switch (flavor) {
            case OPENAI:
            case OLLAMA:
                g.writeStringField("reasoning_effort", !think.enabled() ? "none" : level == null ? "medium" : level);
                break;
            case OPENROUTER:
                g.writeObjectFieldStart("reasoning");
                if (!think.enabled()) {
                    g.writeStringField("effort", "none");
                } else if (level == null) {
                    g.writeBooleanField("enabled", true);
                } else {
                    g.writeStringField("effort", level);
                }
                g.writeEndObject();
                break;
            default:
                // vLLM, llama.cpp, LM Studio and most OpenAI-compatible servers switch thinking
                // through the chat template; a level is also passed as reasoning_effort (gpt-oss).
                g.writeObjectFieldStart("chat_template_kwargs");
                g.writeBooleanField("enable_thinking", think.enabled());
                g.writeEndObject();
                if (think.enabled() && level != null) {
                    g.writeStringField("reasoning_effort", level);
                }
                break;
        }
    }

    private static void writeLogprobs(JsonGenerator g, InferenceRequest request) throws IOException {
        if (!request.logprobs()) {
            return;
        }
        if (request.shape() == InferenceRequest.Shape.COMPLETION) {
            g.writeNumberField("logprobs", request.topLogprobs()); // the legacy API takes the count here
        } else {
            g.writeBooleanField("logprobs", true);
            if (request.topLogprobs() > 0) {
                g.writeNumberField("top_logprobs", request.topLogprobs());
            }
        }
    }
}
