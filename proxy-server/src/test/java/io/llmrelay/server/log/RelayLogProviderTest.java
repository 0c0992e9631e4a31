package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.CoreConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The provider serve names: logback's context, configured as logback's own provider would configure it. */
class RelayLogProviderTest {

    @AfterEach
    void giveTheSuiteItsLoggingBack() {
        // the line writer is the process's; the suite's own context takes it back
        DefaultLogConfigurator.configureDefault((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    @Test
    void makesAStartedContextWithTheDefaultConfiguration() {
        RelayLogProvider provider = new RelayLogProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        try {
            assertThat(context.isStarted()).isTrue();
            assertThat(context.getName()).isEqualTo(CoreConstants.DEFAULT_CONTEXT_NAME);
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            assertThat(root.getAppender("STDOUT")).isInstanceOf(BatchingStdoutAppender.class);
            assertThat(root.getLevel()).isEqualTo(Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
            assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
            assertThat(context.getMDCAdapter()).isSameAs(provider.getMDCAdapter()).isNotNull();
            assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
            assertThat(context.getStatusManager().getCopyOfStatusList())
                    .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
            // SLF4J 2.0 accepts any 2.0.x provider without a warning
            assertThat(provider.getRequestedApiVersion()).startsWith("2.0.");
        } finally {
            context.stop();
        }
    }
}
