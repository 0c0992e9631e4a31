package io.llmrelay.server;

import io.llmrelay.server.exchange.ShutdownEvent;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a stop, in order: the listening socket closes (new connections are refused);
 * every connection is told to drain (idle ones close at once, busy ones after the answers they owe);
 * running answers get until the deadline; then whatever is still open is told to cut (its answer ends
 * with an error in the caller's shape) and, after a short grace for those last writes, closed.
 * Runs on the thread that stops the proxy; {@link #hurry()} may come from any thread.
 */
final class ClientDrain {

    /** How long a cut answer's last error line may take to reach its client before the socket is closed. */
    private static final Duration CUT_GRACE = Duration.ofSeconds(1);

    private final ChannelGroup clients;
    /** Counted down when every connection has closed, or by {@link #hurry()}: the drain stops waiting. */
    private final CountDownLatch stopWaiting = new CountDownLatch(1);
    private volatile boolean hurried;

    ClientDrain(ChannelGroup clients) {
        this.clients = clients;
    }

    /** Runs once, on the stopping thread. */
    RelayServer.Drained run(Channel listening, Duration deadline) {
        listening.close().syncUninterruptibly();
        ChannelGroupFuture allClosed = clients.newCloseFuture();
        int connections = clients.size();
        clients.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownEvent.DRAIN));
        allClosed.addListener(f -> stopWaiting.countDown());
        try {
            stopWaiting.await(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cut now; the caller sees the interrupt
        }
        if (allClosed.isDone()) {
            return new RelayServer.Drained(connections, 0, false);
        }
        int cut = clients.size();
        clients.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownEvent.CUT));
        if (!clients.newCloseFuture().awaitUninterruptibly(CUT_GRACE.toMillis())) {
            clients.close().awaitUninterruptibly(1000); // clients that take no data: their sockets go now
        }
        return new RelayServer.Drained(connections, cut, hurried);
    }

    /** Stops waiting for running answers: they are cut now (a second stop signal). Any thread, any time. */
    void hurry() {
        hurried = true;
        stopWaiting.countDown();
    }
}
