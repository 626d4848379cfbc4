package io.cfs.repl.transport.link;

/**
 * What the transport reports about its links, named after what happened so the metrics library (Kamon) lives in
 * one adapter. Methods are called on stream threads and must not block. Every method defaults to doing nothing.
 */
public interface LinkMetrics {
  /** Reports nothing. */
  LinkMetrics NONE = new LinkMetrics() {};

  /**
   * A frame after the handshake was handed to TCP.
   *
   * @param rawBytes the payload size the caller gave
   * @param wireBytes the bytes it took on the wire, including the length prefix and the codec header
   */
  default void onFrameSent(int rawBytes, int wireBytes) {}

  /**
   * A frame after the handshake arrived and was decoded.
   *
   * @param rawBytes the payload size after decompression
   * @param wireBytes the bytes it took on the wire, including the length prefix and the codec header
   */
  default void onFrameReceived(int rawBytes, int wireBytes) {}

  /**
   * A link was refused while opening: on the server, a client's hello; on the client, its own hello, refused by the
   * server.
   *
   * @param hello the hello that was refused, or {@code null} when it could not be read ({@code MALFORMED})
   */
  default void onHandshakeRejected(Handshake hello, HandshakeRejectedException.Reason reason) {}
}
