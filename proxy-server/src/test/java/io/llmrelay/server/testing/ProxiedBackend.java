package io.llmrelay.server.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ScriptedBackend} with a proxy in front of it, started and stopped around the tests:
 * around each test when registered on an instance field, once for the class on a static one.
 * <pre>{@code @RegisterExtension final ProxiedBackend proxied = new ProxiedBackend();}</pre>
 */
public final class ProxiedBackend implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    public ScriptedBackend backend;
    public RelayHarness relay;
    private boolean perClass;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() throws Exception {
        backend = new ScriptedBackend();
        relay = RelayHarness.start(backend.baseUrl()).awaitReady(); // no start-up probe amid a test
    }

    private void stop() {
        relay.close();
        backend.close();
    }
}
