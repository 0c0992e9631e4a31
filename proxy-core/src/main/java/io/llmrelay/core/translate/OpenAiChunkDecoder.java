package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;

/**
 * Reads one OpenAI chat or completions object (a stream chunk or a whole non-streamed answer) with a
 * streaming parser, keeping only choice 0. Understands {@code delta} and {@code message} (chat),
 * {@code text} (completions), {@code reasoning_content} and {@code reasoning} (vLLM, OpenRouter),
 * tool-call fragments, both logprobs shapes, {@code usage}, and an {@code error} member.
 */
final class OpenAiChunkDecoder {

    private OpenAiChunkDecoder() {}

    static void decode(byte[] data, int offset, int length, ChatDelta out) throws IOException {
        out.reset();
        try (JsonParser p = Json.FACTORY.createParser(data, offset, length)) {
            p.setCodec(Json.MAPPER);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "choices":
                        if (value == JsonToken.START_ARRAY) {
                            choices(p, out);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    case "usage":
                        if (value == JsonToken.START_OBJECT) {
                            usage(p, out);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    case "error":
                        out.error = errorMessage(p, value);
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            }
            if (p.nextToken() != null) {
                throw new IOException("unexpected content after the JSON object");
            }
        }
    }

    private static void choices(JsonParser p, ChatDelta out) throws IOException {
        boolean first = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT && first) {
                choice(p, out);
                first = false;
            } else {
                p.skipChildren(); // Ollama answers have one choice (n > 1 is not forwarded); nulls carry nothing
            }
        }
    }

    private static void choice(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "delta":
                case "message":
                    if (value == JsonToken.START_OBJECT) {
                        delta(p, out);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "text":
                    out.content = text(p, value);
                    break;
                case "finish_reason":
                    out.finishReason = text(p, value);
                    break;
                case "logprobs":
                    if (value == JsonToken.START_OBJECT) {
                        out.logprobs = Logprobs.toOllama((ObjectNode) p.readValueAsTree());
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }
    }

    private static void delta(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "content":
                    out.content = text(p, value);
                    break;
                case "reasoning_content":
                case "reasoning":
                    // two names for the same text: servers renaming one to the other send both
                    String thinking = text(p, value);
                    if (thinking != null && (out.thinking == null || out.thinking.isEmpty())) {
                        out.thinking = thinking;
                    }
                    break;
                case "tool_calls":
                    if (value == JsonToken.START_ARRAY) {
                        toolCalls(p, out);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }
    }

    private static void toolCalls(JsonParser p, ChatDelta out) throws IOException {
        int position = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int index = position++;
            String id = null;
            String name = null;
            String arguments = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "index":
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            index = p.getIntValue();
                        }
                        break;
                    case "id":
                        id = text(p, value);
                        break;
                    case "function":
                        if (value != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            break;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("name")) {
                                name = text(p, v);
                            } else if (f.equals("arguments")) {
                                // some servers send finished calls with arguments as an object
                                arguments = v == JsonToken.START_OBJECT ? Json.write(p.readValueAsTree()) : text(p, v);
                            } else {
                                p.skipChildren();
                            }
                        }
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            }
            out.toolFragments.add(new ChatDelta.ToolFragment(index, id, name, arguments));
        }
    }

    private static void usage(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
                out.promptTokens = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("completion_tokens")) {
                out.completionTokens = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
    }

    private static String errorMessage(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        JsonNode error = p.readValueAsTree();
        return ErrorMessages.fromErrorMember(error);
    }

    /** A string value; null for JSON null; anything else is skipped and reads as null. */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }
}
