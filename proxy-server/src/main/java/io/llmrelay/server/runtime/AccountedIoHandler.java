package io.llmrelay.server.runtime;

import io.llmrelay.server.runtime.LoopAccount;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;

/**
 * The transport's I/O handler with a {@link LoopAccount}: each pass of the event loop starts by
 * closing the previous one, so the CPU the loop spent in it (waiting, waking, dispatching, tasks)
 * is charged to the requests it served. Everything else is the transport's. Runs on its loop's
 * thread, as every {@link IoHandler} does.
 */
final class AccountedIoHandler implements IoHandler {

    private final IoHandler transport;
    private LoopAccount account;

    private AccountedIoHandler(IoHandler transport) {
        this.transport = transport;
    }

    /** Wraps every handler {@code transport} makes. */
    static IoHandlerFactory factory(IoHandlerFactory transport) {
        return executor -> new AccountedIoHandler(transport.newHandler(executor));
    }

    @Override
    public void initialize() {
        account = LoopAccount.forCurrentThread(); // the loop's own thread: its CPU clock is the one read
        transport.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        account.closePass();
        return transport.run(context);
    }

    @Override
    public void prepareToDestroy() {
        transport.prepareToDestroy();
    }

    @Override
    public void destroy() {
        account.closePass(); // settles what finished in the last pass
        transport.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return transport.register(handle);
    }

    @Override
    public void wakeup() {
        transport.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return transport.isCompatible(handleType);
    }
}
