package io.llmrelay.server.demo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/** Ends connections with a TCP reset instead of a clean close. */
final class Rst {

    private Rst() {}

    /**
     * Closes {@code channel} with {@code SO_LINGER} 0, which makes the kernel send RST and drop
     * anything unsent: the peer reads "connection reset", never a clean end of stream.
     */
    static void reset(Channel channel) {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }
}
