package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.security.Cidr;
import java.io.IOException;

/**
 * The access part of {@code GET /internal/status}: {@code keys} (each client key's name, model globs,
 * limits and where it came from) and {@code access} (whether keys are required, the trusted proxies,
 * how the admin routes are reached). Never a key, never a digest: a key is its name and source.
 */
final class AccessStatus {

    private AccessStatus() {}

    static void write(JsonGenerator g, SecurityConfig security) throws IOException {
        g.writeArrayFieldStart("keys");
        for (SecurityConfig.ClientKey k : security.auth().keys()) {
            g.writeStartObject();
            g.writeStringField("name", k.name());
            g.writeArrayFieldStart("models");
            for (String glob : k.models()) {
                g.writeString(glob);
            }
            g.writeEndArray();
            SecurityConfig.KeyLimits l = k.limits();
            g.writeObjectFieldStart("limits"); // 0: off
            g.writeNumberField("rps", l.rps());
            g.writeNumberField("burst", l.burst());
            g.writeNumberField("concurrent", l.concurrent());
            g.writeNumberField("tokens_per_minute", l.tokensPerMinute());
            g.writeEndObject();
            g.writeStringField("source", k.source());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("access");
        g.writeBooleanField("keys_required", security.auth().required());
        g.writeArrayFieldStart("trusted_proxies");
        for (Cidr c : security.trustedProxies()) {
            g.writeString(c.toString());
        }
        g.writeEndArray();
        SecurityConfig.Admin admin = security.admin();
        g.writeObjectFieldStart("admin");
        g.writeNumberField("port", admin.port());
        g.writeStringField("key", admin.key() == null ? null : "set, from " + admin.key().source());
        g.writeStringField("who", admin.key() != null ? "holders of the admin key"
                : admin.port() > 0 ? "anyone who reaches the admin port" : "clients on this machine (loopback)");
        g.writeEndObject();
        g.writeEndObject();
    }
}
