package io.llmrelay.server.exchange;

/**
 * Serves the requests of one or more routes. Runs on the exchange's event loop and must not block:
 * anything slow (a backend) is started and answered later. Throwing a
 * {@link io.llmrelay.core.api.RelayException} fails the exchange with its status and message.
 */
@FunctionalInterface
public interface Endpoint {
    void handle(Exchange exchange);
}
