package io.llmrelay.server.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the demo backend's OpenAI API: {@code GET /v1/models}, {@code POST /v1/chat/completions},
 * {@code /v1/completions} and {@code /v1/embeddings}, streaming replies one token per event at the
 * configured pace. Every chat model gives the same replies; an answer names the model asked for.
 * One instance per connection, on its event loop; requests are released by the superclass. A
 * stream stops the moment its client disconnects.
 */
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final AtomicLong IDS = new AtomicLong();

    private final DemoBackend backend;
    private ScheduledFuture<?> nextToken;

    DemoHandler(DemoBackend backend) {
        this.backend = backend;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().split("\\?", 2)[0];
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            if (path.equals("/v1/models") && request.method().equals(HttpMethod.GET)) {
                modelList(ctx, keepAlive);
            } else if (!request.method().equals(HttpMethod.POST)) {
                error(ctx, keepAlive, 404, "not found: " + request.method() + " " + path, null);
            } else if (path.equals("/v1/chat/completions")) {
                complete(ctx, keepAlive, body(request), true);
            } else if (path.equals("/v1/completions")) {
                complete(ctx, keepAlive, body(request), false);
            } else if (path.equals("/v1/embeddings")) {
                embeddings(ctx, keepAlive, body(request));
            } else {
                error(ctx, keepAlive, 404, "not found: " + path, null);
            }
        } catch (BadRequest e) {
            error(ctx, keepAlive, e.status, e.getMessage(), e.code);
        }
    }

    private void complete(ChannelHandlerContext ctx, boolean keepAlive, JsonNode body, boolean chat) {
        String model = requireModel(body, false);
        String prompt = chat ? lastUserText(body.path("messages")) : body.path("prompt").asText("");
        List<String> tokens = DemoModels.tokens(DemoModels.reply(prompt));
        int max = body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(Integer.MAX_VALUE));
        boolean truncated = max < tokens.size();
        if (truncated) {
            tokens = tokens.subList(0, Math.max(0, max));
        }
        Reply reply = new Reply("demo-" + IDS.incrementAndGet(), model, chat, tokens, truncated ? "length" : "stop",
                promptTokens(body, chat), System.currentTimeMillis() / 1000);
        if (!body.path("stream").asBoolean(false)) {
            json(ctx, keepAlive, 200, reply.whole());
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        HttpUtil.setTransferEncodingChunked(head, true);
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.writeAndFlush(head);
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        backend.streamStarted();
        streamToken(ctx, reply, 0, usage, keepAlive);
    }

    /** Sends token {@code i} (or the finish) and schedules the next one. */
    private void streamToken(ChannelHandlerContext ctx, Reply reply, int i, boolean usage, boolean keepAlive) {
        nextToken = null;
        if (!ctx.channel().isActive()) {
            backend.streamEnded();
            return;
        }
        if (i < reply.tokens.size()) {
            ctx.writeAndFlush(sse(ctx, reply.chunk(i)));
            nextToken = ctx.executor().schedule(() -> streamToken(ctx, reply, i + 1, usage, keepAlive),
                    backend.tokenDelayNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        ctx.write(sse(ctx, reply.finishChunk()));
        if (usage) {
            ctx.write(sse(ctx, reply.usageChunk()));
        }
        ctx.write(new DefaultHttpContent(ByteBufUtil.writeAscii(ctx.alloc(), "data: [DONE]\n\n")));
        var done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
        backend.streamEnded();
    }

    private void embeddings(ChannelHandlerContext ctx, boolean keepAlive, JsonNode body) {
        String model = requireModel(body, true);
        JsonNode input = body.get("input");
        if (input == null || !(input.isTextual() || input.isArray())) {
            throw new BadRequest(400, "input must be a string or an array of strings", null);
        }
        List<JsonNode> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input);
        } else {
            input.forEach(inputs::add);
        }
        ByteBuf out = ctx.alloc().buffer();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            int tokens = 0;
            for (int i = 0; i < inputs.size(); i++) {
                String text = inputs.get(i).asText();
                tokens += DemoModels.countTokens(text);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                g.writeArrayFieldStart("embedding");
                for (float x : DemoModels.embed(text)) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", tokens);
            g.writeNumberField("total_tokens", tokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        send(ctx, keepAlive, 200, out);
    }

    /** {@code /v1/models}: vLLM's shape, with {@code max_model_len} the proxy reads as the context length. */
    private void modelList(ChannelHandlerContext ctx, boolean keepAlive) {
        long created = backend.startedAtSeconds();
        ByteBuf out = ctx.alloc().buffer();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (String id : backend.models()) {
                g.writeStartObject();
                g.writeStringField("id", id);
                g.writeStringField("object", "model");
                g.writeNumberField("created", created);
                g.writeStringField("owned_by", "llm-relay");
                g.writeNumberField("max_model_len", DemoModels.isEmbedding(id)
                        ? DemoModels.EMBEDDING_CONTEXT_LENGTH : DemoModels.CONTEXT_LENGTH);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        send(ctx, keepAlive, 200, out);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (nextToken != null) {
            nextToken.cancel(false); // the client left: stop "generating"
            nextToken = null;
            backend.streamEnded();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---- helpers

    private static JsonNode body(FullHttpRequest request) {
        try {
            JsonNode node = Json.parse(request.content());
            if (node == null || !node.isObject()) {
                throw new BadRequest(400, "request body must be a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw new BadRequest(400, "invalid JSON: " + e.getMessage(), null);
        }
    }

    /** The request's model: one this backend lists, of the kind the route needs (chat or embedding). */
    private String requireModel(JsonNode body, boolean embedding) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isEmpty()) {
            throw new BadRequest(400, "you must provide a model parameter", null);
        }
        String id = model.textValue();
        if (!backend.models().contains(id) || DemoModels.isEmbedding(id) != embedding) {
            throw new BadRequest(404, "The model `" + id + "` does not exist.", "model_not_found");
        }
        return id;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText().equals("user")) {
                JsonNode content = m.get("content");
                if (content != null && content.isArray()) {
                    StringBuilder text = new StringBuilder();
                    content.forEach(part -> text.append(part.path("text").asText("")));
                    return text.toString();
                }
                return content == null ? "" : content.asText("");
            }
        }
        return "";
    }

    private static int promptTokens(JsonNode body, boolean chat) {
        if (!chat) {
            return DemoModels.countTokens(body.path("prompt").asText(""));
        }
        int n = 0;
        for (JsonNode m : body.path("messages")) {
            n += DemoModels.countTokens(m.path("content").isTextual() ? m.path("content").asText() : "") + 4;
        }
        return n;
    }

    private static DefaultHttpContent sse(ChannelHandlerContext ctx, String json) {
        return new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), "data: " + json + "\n\n"));
    }

    private static void json(ChannelHandlerContext ctx, boolean keepAlive, int status, String json) {
        send(ctx, keepAlive, status, ByteBufUtil.writeUtf8(ctx.alloc(), json));
    }

    private static void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String message, String code) {
        String body = "{\"error\":{\"message\":" + Json.NODES.textNode(message)
                + ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
        json(ctx, keepAlive, status, body);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, int status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A request the demo refuses, with the OpenAI status and error code to answer. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        BadRequest(int status, String message, String code) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** One reply, rendered as OpenAI chat or completions JSON. */
    private static final class Reply {
        final String id;
        final String model;
        final boolean chat;
        final List<String> tokens;
        final String finishReason;
        final int promptTokens;
        final long created;

        Reply(String id, String model, boolean chat, List<String> tokens, String finishReason, int promptTokens,
                long created) {
            this.id = (chat ? "chatcmpl-" : "cmpl-") + id;
            this.model = model;
            this.chat = chat;
            this.tokens = tokens;
            this.finishReason = finishReason;
            this.promptTokens = promptTokens;
            this.created = created;
        }

        String chunk(int i) {
            String text = Json.NODES.textNode(tokens.get(i)).toString();
            return head(true) + (chat
                    ? "{\"index\":0,\"delta\":{" + (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":" + text
                            + "},\"finish_reason\":null}]}"
                    : "{\"index\":0,\"text\":" + text + ",\"finish_reason\":null}]}");
        }

        String finishChunk() {
            return head(true) + (chat
                    ? "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finishReason + "\"}]}"
                    : "{\"index\":0,\"text\":\"\",\"finish_reason\":\"" + finishReason + "\"}]}");
        }

        String usageChunk() {
            return head(true) + "]," + usage() + "}";
        }

        String whole() {
            String text = Json.NODES.textNode(String.join("", tokens)).toString();
            return head(false) + (chat
                    ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + text + "},\"finish_reason\":\""
                    : "{\"index\":0,\"text\":" + text + ",\"finish_reason\":\"")
                    + finishReason + "\"}]," + usage() + "}";
        }

        private String head(boolean streamed) {
            String object = chat ? (streamed ? "chat.completion.chunk" : "chat.completion") : "text_completion";
            return "{\"id\":\"" + id + "\",\"object\":\"" + object + "\",\"created\":" + created
                    + ",\"model\":" + Json.NODES.textNode(model) + ",\"choices\":[";
        }

        private String usage() {
            return "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + tokens.size()
                    + ",\"total_tokens\":" + (promptTokens + tokens.size()) + "}";
        }
    }
}
