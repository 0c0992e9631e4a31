package io.llmrelay.server.runtime;

/** Names of the handlers in the server and backend pipelines, so they can be found and replaced. */
public final class PipelineNames {

    public static final String HTTP_CODEC = "http-codec";
    public static final String CLIENT_IDLE = "client-idle";
    public static final String BODY_LIMIT = "request-body";
    public static final String EXCHANGE = "exchange";
    public static final String LINGER = "linger";

    public static final String TLS = "tls";
    public static final String POOL_IDLE = "pool-idle";
    public static final String UPSTREAM = "upstream";

    private PipelineNames() {}
}
