package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.exchange.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code POST /internal/reload}: loads the config file again and applies it (see {@link Reloader}).
 * The reload runs on its own thread; the answer is written on the exchange's loop when it is done:
 * 200 {@code {"status":"reloaded","added":[...],"removed":[...],"changed":[...],"settings":[...],
 * "restart_needed":[...]}}, 400 {@code {"status":"refused","error":"...","problems":[...]}} (the
 * running configuration stays), or 409 when the proxy has no config file to reload.
 */
final class ReloadEndpoint {

    private final Relay relay;

    ReloadEndpoint(Relay relay) {
        this.relay = relay;
    }

    void reload(Exchange ex) {
        EventLoop loop = ex.loop();
        relay.reloader().reload(ex.method() + " " + ex.path()).whenComplete((outcome, failure) -> loop.execute(() -> {
            if (!ex.isDone()) { // a client that left gets nothing; the reload itself is done either way
                ex.resume(() -> answer(ex, outcome, failure));
            }
        }));
    }

    private static void answer(Exchange ex, ReloadOutcome outcome, Throwable failure) {
        if (failure != null) {
            ex.fail(500, "the reload failed unexpectedly: " + failure, ErrorKind.INTERNAL);
            return;
        }
        ByteBuf out = ex.alloc().buffer(256);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
            switch (outcome.status()) {
                case RELOADED -> {
                    list(g, "added", outcome.added());
                    list(g, "removed", outcome.removed());
                    list(g, "changed", outcome.changed());
                    list(g, "settings", outcome.settings());
                    list(g, "restart_needed", outcome.restartNeeded());
                }
                case REFUSED -> {
                    g.writeStringField("error", "the configuration was refused, the running one stays: "
                            + String.join("; ", outcome.problems()));
                    list(g, "problems", outcome.problems());
                }
                case UNAVAILABLE -> g.writeStringField("error", outcome.message());
            }
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        int status = switch (outcome.status()) {
            case RELOADED -> 200;
            case REFUSED -> 400;
            case UNAVAILABLE -> 409;
        };
        ex.respond(status, ContentTypes.JSON, out);
    }

    private static void list(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
