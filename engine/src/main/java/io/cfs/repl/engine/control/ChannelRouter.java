package io.cfs.repl.engine.control;

import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.LinkHandler;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** One link port, two conversations: each accepted link goes to the handler of the channel its hello names. */
public record ChannelRouter(LinkHandler data, LinkHandler control) implements LinkHandler {
  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    return hello.channel() == Handshake.Channel.CONTROL ? control.accept(hello) : data.accept(hello);
  }
}
