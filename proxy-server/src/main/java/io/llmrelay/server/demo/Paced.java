package io.llmrelay.server.demo;

/** Writing that goes on after the request was handled (a paced stream, a drip); its connection's handler stops it when the client leaves. */
interface Paced {

    /** Stops at once: no more writes, no timer left behind. On the connection's event loop. */
    void cancel();
}
