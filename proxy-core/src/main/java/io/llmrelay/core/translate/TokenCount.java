package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Counting a Messages request's input tokens ({@code /v1/messages/count_tokens}): with the backend's
 * own tokenizer where its server has one (llama.cpp's {@code POST /tokenize} of the request's text,
 * vLLM's {@code POST /tokenize} of its messages, chat template included), else an estimate. Both are
 * documented in docs/TRANSLATION.md.
 */
public final class TokenCount {

    /**
     * What one image counts (estimated in both ways): Anthropic's count for an image of about 1.15
     * megapixels, the most one costs there, so that a budget built on the count errs on the safe side.
     */
    static final int IMAGE_TOKENS = 1600;
    /** The estimate's allowance for a message's role and template markers. */
    static final int MESSAGE_TOKENS = 4;

    private TokenCount() {}

    /** True when servers of {@code flavor} have a tokenizer endpoint this class can ask. */
    public static boolean hasTokenizer(BackendFlavor flavor) {
        return flavor == BackendFlavor.LLAMACPP || flavor == BackendFlavor.VLLM;
    }

    /** The tokenizer's path under the server's root (not under {@code /v1}). */
    public static String tokenizePath() {
        return "/tokenize";
    }

    /**
     * The estimate: a token per 4 bytes of the request's UTF-8 text (as Ollama estimates), rounded up,
     * {@value #MESSAGE_TOKENS} per message and {@value #IMAGE_TOKENS} per image.
     */
    public static long estimate(InferenceRequest request) {
        long bytes = ByteBufUtil.utf8Bytes(PromptText.render(request));
        return (bytes + 3) / 4 + (long) MESSAGE_TOKENS * request.messages().size()
                + (long) IMAGE_TOKENS * PromptText.images(request);
    }

    /** {@code {"input_tokens": n}}, Anthropic's answer. */
    public static ByteBuf answer(ByteBufAllocator alloc, long inputTokens) {
        return ByteBufUtil.writeAscii(alloc, "{\"input_tokens\":" + inputTokens + "}");
    }

    /**
     * The tokenize request for a server of {@code flavor}: llama.cpp's {@code {"content": text}}, or
     * vLLM's chat form {@code {"model", "messages", "tools", "add_generation_prompt": true}}.
     */
    public static void writeRequest(InferenceRequest request, String backendModel, BackendFlavor flavor, ByteBuf out) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            if (flavor == BackendFlavor.VLLM) {
                g.writeStringField("model", backendModel);
                OpenAiRequestWriter.writeMessages(g, request.messages());
                if (request.tools() != null) {
                    g.writeFieldName("tools");
                    Json.writeTree(g, request.tools());
                }
                g.writeBooleanField("add_generation_prompt", true);
            } else {
                g.writeStringField("content", PromptText.render(request));
                g.writeBooleanField("add_special", true);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a tokenizer's answer ({@code {"tokens": [...]}} or vLLM's {@code {"count": n, ...}}) as it
     * arrives and writes Anthropic's {@code {"input_tokens": n}}, plus {@code extra} for what the
     * tokenizer was not given (the images of a llama.cpp request).
     */
    public static BodyTranslator translator(InferenceRequest request, BackendFlavor flavor) {
        return new Answer(flavor == BackendFlavor.VLLM ? 0 : (long) IMAGE_TOKENS * PromptText.images(request));
    }

    private static final class Answer extends WholeJsonAnswer {

        private static final long MAX_BODY = 64L * 1024 * 1024;

        private final long extra;

        Answer(long extra) {
            super(MAX_BODY, "backend's tokenizer sent an unreadable answer");
            this.extra = extra;
        }

        @Override
        void answer(JsonNode body, Output out) {
            JsonNode count = body.get("count");
            JsonNode tokens = body.get("tokens");
            long n;
            if (count != null && count.canConvertToLong()) {
                n = count.longValue();
            } else if (tokens != null && tokens.isArray()) {
                n = tokens.size();
            } else {
                throw new RelayException(502, "backend's tokenizer answered without \"tokens\" or \"count\": "
                        + ErrorMessages.abbreviate(body.toString()));
            }
            out.write(TokenCount.answer(out.alloc(), n + extra));
        }
    }
}
