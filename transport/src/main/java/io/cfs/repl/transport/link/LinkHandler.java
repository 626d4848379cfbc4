package io.cfs.repl.transport.link;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** The server side's decision about a client that said hello, and the conversation with it once accepted. */
@FunctionalInterface
public interface LinkHandler {
  /**
   * Called once per connection after the client's hello passed the transport's own checks (magic, protocol version,
   * target site). The returned flow receives every later frame of that client, decompressed and in order, and its
   * output frames are sent back (compressed when large enough). When the client half-closes, the flow's input
   * completes; when the flow's output completes, the connection is closed.
   *
   * @throws HandshakeRejectedException to refuse the client (typically {@code UNKNOWN_SITE}); the reason and message
   *     are sent to it and the connection is closed
   */
  Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) throws HandshakeRejectedException;

  /**
   * As {@link #accept}, for a decision that needs I/O (a store read or write), which must not block the stream
   * thread the hello arrived on. The server answers once the stage completes: with the ack and the conversation, or,
   * if it failed with {@link HandshakeRejectedException}, with that refusal. By default, {@link #accept}.
   */
  default CompletionStage<Flow<ByteString, ByteString, NotUsed>> acceptAsync(Handshake hello) {
    try {
      return CompletableFuture.completedFuture(accept(hello));
    } catch (HandshakeRejectedException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
