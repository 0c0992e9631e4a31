package io.llmrelay.server.endpoint;

import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.RelayVersion;
import io.llmrelay.server.exchange.Exchange;
import io.netty.buffer.ByteBufUtil;

/** The answers that need nothing but the proxy itself. */
final class AdminEndpoints {

    private AdminEndpoints() {}

    /** {@code GET|HEAD /}: how tools detect an Ollama server. */
    static void root(Exchange ex) {
        ex.respond(200, ContentTypes.TEXT, ByteBufUtil.writeAscii(ex.alloc(), "Ollama is running"));
    }

    /** {@code /api/version}: an Ollama version recent enough for every client gate. */
    static void version(Exchange ex) {
        ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), "{\"version\":\"" + RelayVersion.OLLAMA_COMPATIBLE + "\"}"));
    }

    /** {@code /health}: the process is up and serving. */
    static void health(Exchange ex) {
        ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), "{\"status\":\"ok\"}"));
    }
}
