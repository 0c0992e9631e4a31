package io.llmrelay.server.runtime;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O transport: native epoll where the platform has it, NIO otherwise. Backend channels use the
 * same transport as the server so they can share its event loops.
 */
public enum Transport {
    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class),
    NIO(NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);

    public final Class<? extends ServerChannel> serverChannel;
    public final Class<? extends SocketChannel> socketChannel;
    public final Class<? extends DatagramChannel> datagramChannel;

    Transport(Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel,
            Class<? extends DatagramChannel> datagramChannel) {
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /** Epoll when available, else NIO. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Event loops whose CPU time is charged to the requests they serve ({@code LoopAccount}). */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                AccountedIoHandler.factory(factory));
    }
}
