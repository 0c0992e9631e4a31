package io.llmrelay.server;

import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.SecurityConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a running proxy cannot change, compared between the configuration it runs and a
 * reloaded one: the listening address and port, the event loops, the request size limit (part of
 * every client connection's pipeline), the browser origins and the client stall limit (read by every
 * exchange from its connection's context), the admin port (a listening socket) and the Redis that
 * limits are shared through (one connection, made at start), and the rate limits' defaults (the
 * limiter is built with them at start). Client keys (their own limits included) and trusted proxies
 * reload. A reload keeps their running values and names the ones
 * that differ, by their config-file keys, so the operator knows a restart is due.
 *
 * <p>Every component of {@link RelayConfig} is taken here from one side or the other: a component
 * added to it must be added here too (RestartSettingsTest fails until it is), or a reload would
 * silently reset it to a default.
 *
 * @param effective the reloaded configuration with those settings at their running values
 * @param needed the keys whose reloaded value differs from the running one
 */
record RestartSettings(RelayConfig effective, List<String> needed) {

    static RestartSettings compare(RelayConfig running, RelayConfig next) {
        List<String> needed = new ArrayList<>();
        if (!running.host().equals(next.host())) {
            needed.add("server.host");
        }
        if (running.port() != next.port()) {
            needed.add("server.port");
        }
        if (running.eventLoops() != next.eventLoops()) {
            needed.add("server.event_loops");
        }
        if (running.maxRequestBytes() != next.maxRequestBytes()) {
            needed.add("server.max_request_size");
        }
        if (!running.cors().equals(next.cors())) {
            needed.add("server.origins");
        }
        if (!running.timeouts().clientStall().equals(next.timeouts().clientStall())) {
            needed.add("server.timeouts.client_stall");
        }
        if (!running.timeouts().drain().equals(next.timeouts().drain())) {
            needed.add("server.drain_timeout"); // the stop's deadline was handed to the signal handler at start
        }
        SecurityConfig security = next.security();
        if (running.security().admin().port() != security.admin().port()) { // a listening socket of its own
            needed.add("admin.port");
        }
        if (!java.util.Objects.equals(running.security().limits().redis(), security.limits().redis())) {
            needed.add("limits.redis"); // one connection, made at start
        }
        SecurityConfig.Limits ran = running.security().limits();
        SecurityConfig.Limits wants = security.limits();
        if (!ran.global().equals(wants.global()) || !ran.perIp().equals(wants.perIp())
                || !ran.perKey().equals(wants.perKey()) || ran.redisDown() != wants.redisDown()) {
            needed.add("limits"); // the limiter was built with them at start; keys' own limits do reload
        }
        SecurityConfig.RequestLimits was = running.security().limits().request();
        SecurityConfig.RequestLimits asked = security.limits().request();
        if (was.maxHeaderBytes() != asked.maxHeaderBytes() || was.maxHeaders() != asked.maxHeaders()
                || was.maxUriBytes() != asked.maxUriBytes()) {
            needed.add("limits.request"); // the header and target limits are part of each connection's pipeline
        }
        security = new SecurityConfig(security.auth(),
                new SecurityConfig.Limits(ran.global(), ran.perIp(), ran.perKey(), ran.redis(), ran.redisDown(),
                        new SecurityConfig.RequestLimits(was.maxHeaderBytes(), was.maxHeaders(), was.maxUriBytes(),
                                asked.maxMessages(), asked.maxImages())),
                security.trustedProxies(),
                new SecurityConfig.Admin(running.security().admin().port(), security.admin().key()));
        RelayConfig.Timeouts t = next.timeouts();
        RelayConfig effective = new RelayConfig(running.host(), running.port(), next.backends(),
                running.maxRequestBytes(), running.maxEventBytes(), running.eventLoops(),
                new RelayConfig.Timeouts(t.connect(), t.upstreamIdle(), running.timeouts().clientStall(),
                        running.timeouts().poolIdle(), running.timeouts().clientIdle(), running.timeouts().drain()),
                next.modelsRefresh(), next.healthInterval(), next.modelOverrides(), running.cors(), next.routing(),
                next.models(), next.resilience(), security);
        return new RestartSettings(effective, List.copyOf(needed));
    }
}
