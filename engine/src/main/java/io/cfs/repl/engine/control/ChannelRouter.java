package io.cfs.repl.engine.control;

import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** One link port, several conversations: each accepted link goes to the handler of the channel its hello names. */
public record ChannelRouter(LinkHandler data, LinkHandler control, LinkHandler verify, LinkHandler resync)
    implements LinkHandler {
  /** A handler for a channel this server does not serve: every hello on it is refused, saying why. */
  public static LinkHandler refusing(String why) {
    return hello -> {
      throw new HandshakeRejectedException(HandshakeRejectedException.Reason.UNKNOWN_SITE, why);
    };
  }

  @Override
  public CompletionStage<Flow<ByteString, ByteString, NotUsed>> acceptAsync(Handshake hello) {
    return switch (hello.channel()) {
      case DATA -> data.acceptAsync(hello);
      case CONTROL -> control.acceptAsync(hello);
      case VERIFY -> verify.acceptAsync(hello);
      case RESYNC -> resync.acceptAsync(hello);
    };
  }

  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    return switch (hello.channel()) {
      case DATA -> data.accept(hello);
      case CONTROL -> control.accept(hello);
      case VERIFY -> verify.accept(hello);
      case RESYNC -> resync.accept(hello);
    };
  }
}
