package io.cfs.repl.transport.link;

import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.util.ByteString;

/** The pieces both ends of a site link stack the same way. */
final class LinkStages {
  private LinkStages() {}

  /**
   * Length-prefix framing (4-byte big-endian length, then the body) under a bidirectional idle timeout. Top: frame
   * bodies to bytes; bottom: bytes to frame bodies. A length over the limit fails the link before the body is read.
   */
  static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> framing(LinkSettings settings) {
    return Framing.simpleFramingProtocol(settings.maxFrameBytes() + FrameCodec.HEADER_BYTES)
        .atop(BidiFlow.<ByteString, ByteString>bidirectionalIdleTimeout(settings.idleTimeout()));
  }

  /** Payloads to frame bodies, reporting each frame. */
  static Flow<ByteString, ByteString, NotUsed> encoder(FrameCodec codec, LinkMetrics metrics) {
    return Flow.<ByteString>create().map(payload -> {
      ByteString body = codec.encode(payload);
      metrics.onFrameSent(payload.size(), FrameCodec.LENGTH_PREFIX_BYTES + body.size());
      return body;
    });
  }

  /** Frame bodies to payloads, reporting each frame. */
  static Flow<ByteString, ByteString, NotUsed> decoder(FrameCodec codec, LinkMetrics metrics) {
    return Flow.<ByteString>create().map(body -> {
      ByteString payload = codec.decode(body);
      metrics.onFrameReceived(payload.size(), FrameCodec.LENGTH_PREFIX_BYTES + body.size());
      return payload;
    });
  }

  static List<Inet.SocketOption> socketOptions(LinkSettings settings) {
    return List.of(TcpSO.tcpNoDelay(settings.tcpNoDelay()));
  }

  /** Whether the actor system is shutting down: then every link and listener ends, and that is not a fault. */
  static boolean shuttingDown(ActorSystem<?> system) {
    return CoordinatedShutdown.get(system).getShutdownReason().isPresent();
  }
}
