package io.llmrelay.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the command line chooses one (found as a service, or applied by
 * {@link RelayLogProvider}): JSON lines at {@code LOG_LEVEL} (default INFO), without reading any XML.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        configureDefault(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What this configurator does, for {@link RelayLogProvider} too. */
    static void configureDefault(LoggerContext context) {
        LogConfig.apply(context, true, Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
    }
}
