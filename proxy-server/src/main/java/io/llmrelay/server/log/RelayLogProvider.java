package io.llmrelay.server.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider the command line names ({@code slf4j.provider}, set in {@code Main}): logback's
 * logger context with {@link DefaultLogConfigurator}'s configuration applied directly. Logback's own
 * provider reaches the same configuration through its auto-configuration (version checks reading its
 * jars' properties, a service scan, each configurator's rank annotation, timing notes), which took
 * about 60 ms of a fresh process's CPU before the first line (docs/BENCHMARKS.md, findings). Without
 * the property (tests, an application embedding the proxy) logback's provider finds the same configurator.
 */
public final class RelayLogProvider implements SLF4JServiceProvider {

    /** The SLF4J API version this provider is written for, as logback 1.5 declares it. */
    private static final String API_VERSION = "2.0.99";

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        // in the order logback's own provider takes
        context = new LoggerContext();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        mdc = new LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        DefaultLogConfigurator.configureDefault(context);
        if (!StatusUtil.contextHasStatusListener(context)) {
            new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        }
        context.start();
        markers = new BasicMarkerFactory();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }
}
