package io.llmrelay.server.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the demo backend's OpenAI API: {@code GET /v1/models}, {@code POST /v1/chat/completions},
 * {@code /v1/completions} and {@code /v1/embeddings}, streaming replies one token per event at the
 * configured pace. Every chat model gives the same replies; an answer names the model asked for.
 * Faults: an answer the current {@link FaultPlan} hits is reshaped ({@link DemoStream},
 * {@link WholeFaults}) or replaced ({@link FaultAnswers}), and a connection it refuses is reset
 * before anything is read; {@code /__fault} and {@code /__stats} go to {@link FaultControl}. One
 * instance per connection, on its event loop; requests are released by the superclass, answers by
 * the codec that writes them. A stream or a drip stops the moment its client disconnects.
 */
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final AtomicLong IDS = new AtomicLong();

    private final DemoBackend backend;
    /** The stream or drip still writing on this connection, if any. */
    private Paced pending;

    DemoHandler(DemoBackend backend) {
        this.backend = backend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        backend.counters().connectionOpened();
        if (backend.faults().refusesConnection()) {
            // refuse in scope all: reset before a byte is read (auto-read starts after this returns)
            backend.counters().faultInjected(Fault.REFUSE);
            Rst.reset(ctx.channel());
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().split("\\?", 2)[0];
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (FaultControl.handles(path)) {
            DemoResponses.finish(ctx, FaultControl.answer(backend, request, path, ctx.channel().remoteAddress(),
                    ctx.alloc(), keepAlive), keepAlive);
            return;
        }
        boolean post = request.method().equals(HttpMethod.POST);
        backend.counters().request(post && (path.equals("/v1/chat/completions") || path.equals("/v1/completions")
                || path.equals("/v1/embeddings")));
        try {
            if (path.equals("/v1/models") && request.method().equals(HttpMethod.GET)) {
                modelList(ctx, keepAlive);
            } else if (!post) {
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
        DemoReply reply = new DemoReply("demo-" + IDS.incrementAndGet(), model, chat, tokens,
                truncated ? "length" : "stop", promptTokens(body, chat), System.currentTimeMillis() / 1000);
        if (!body.path("stream").asBoolean(false)) {
            answer(ctx, keepAlive, DemoResponses.json(ctx.alloc(), keepAlive, 200, reply.whole()), true);
            return;
        }
        FaultPlan fault = roll(true);
        if (fault.active() && !fault.mode().shapesAnswer()) {
            FaultAnswers.replace(ctx, keepAlive, fault);
            return;
        }
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        DemoStream stream = new DemoStream(ctx, reply, usage, keepAlive, backend.tokenDelayNanos(), fault,
                backend.counters());
        pending = stream;
        stream.start();
    }

    /**
     * Sends a whole answer, or the fault that hits it.
     *
     * @param inference whether it answers an inference request (the faults' default scope)
     */
    private void answer(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response, boolean inference) {
        FaultPlan fault = roll(inference);
        if (!fault.active()) {
            DemoResponses.finish(ctx, response, keepAlive);
        } else if (fault.mode().shapesAnswer()) {
            Paced drip = WholeFaults.shape(ctx, response, keepAlive, fault);
            if (drip != null) {
                pending = drip;
            }
        } else {
            response.release();
            FaultAnswers.replace(ctx, keepAlive, fault);
        }
    }

    /** The fault plan if it hits this request (counted), else {@link FaultPlan#NONE}. */
    private FaultPlan roll(boolean inference) {
        FaultPlan fault = backend.faults().forRequest(inference);
        if (fault.active()) {
            backend.counters().faultInjected(fault.mode());
        }
        return fault;
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
        answer(ctx, keepAlive, DemoResponses.json(keepAlive, 200, out), true);
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
        answer(ctx, keepAlive, DemoResponses.json(keepAlive, 200, out), false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        backend.counters().connectionClosed();
        if (pending != null) {
            pending.cancel(); // the client left: stop "generating"
            pending = null;
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
            if (!node.isObject()) {
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

    /** An OpenAI error of the demo's own (a bad request, an unknown path); faulted only in scope all. */
    private void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String message, String code) {
        answer(ctx, keepAlive, DemoResponses.json(ctx.alloc(), keepAlive, status,
                DemoResponses.errorBody(message, "invalid_request_error", code)), false);
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
}
