package io.cfs.repl.transport.link;

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
}
