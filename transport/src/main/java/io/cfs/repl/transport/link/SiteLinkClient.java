package io.cfs.repl.transport.link;

import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The connecting end of a site link, as a flow of frames: payloads in are sent to the peer, payloads out came from
 * it. The transport never reconnects; the caller watches the flow's termination and reconnects with backoff.
 *
 * <p>Invariants of one materialization:
 * <ul>
 *   <li>The hello is the first frame sent. Frames arriving before the server's ack are held (backpressured), never
 *       dropped, and sent after it; no frame is delivered downstream before the ack.</li>
 *   <li>The materialized stage completes with the server's ack (and, over TLS, its certificate), or fails with
 *       {@link HandshakeRejectedException} (the server's reason), a
 *       {@link io.cfs.repl.transport.tls.TlsRefusedException} (a certificate refused by either end, with the
 *       reason), a connect or handshake timeout, or the connection's failure.</li>
 *   <li>Over TLS, the server's certificate must chain to the trusted CAs and name {@code peerSite}; the hello is sent
 *       only after that.</li>
 *   <li>When the input completes, plain TCP is half-closed: the peer's remaining frames are still delivered. TLS
 *       closes the connection (see {@link io.cfs.repl.transport.tls.LinkTls}).</li>
 *   <li>When the peer closes or the connection fails, the whole flow ends (output completed or failed, input
 *       cancelled), so the caller always notices.</li>
 * </ul>
 */
public final class SiteLinkClient {
  private SiteLinkClient() {}

  /** A data link from {@code localSite} to {@code peerSite} at {@code peer}; connects anew on each materialization. */
  public static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics) {
    return connect(system, settings, security, localSite, peerSite, peer, metrics, WireThrottle.unlimited());
  }

  /**
   * A data link whose outgoing frames are paced by {@code throttle}: each frame costs what it takes on the wire (after
   * compression, with its length prefix and codec header). Frames from the peer (acks) and the hello are not paced.
   */
  public static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics, WireThrottle throttle) {
    return connect(system, settings, security, localSite, peerSite, peer, metrics, Handshake.Channel.DATA, throttle);
  }

  /** A link of {@code channel} from {@code localSite} to {@code peerSite} at {@code peer}. */
  public static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics, Handshake.Channel channel) {
    return open(system, settings, security, new Handshake(settings.protocolVersion(), localSite, peerSite, channel),
        peer, metrics, WireThrottle.unlimited());
  }

  /**
   * A data link, paced by {@code throttle}, that names {@code incarnation}, the incarnation of {@code localSite}'s
   * journal, in its hello: a peer that applied another incarnation's entries refuses it
   * ({@code INCARNATION_MISMATCH}).
   */
  public static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics, UUID incarnation, WireThrottle throttle) {
    return connect(system, settings, security, localSite, peerSite, peer, metrics, Handshake.Channel.DATA,
        incarnation, throttle);
  }

  /**
   * A link of {@code channel} (one that carries the journal's history: data or resync) naming {@code incarnation} in
   * its hello, paced by {@code throttle}.
   */
  public static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics, Handshake.Channel channel, UUID incarnation, WireThrottle throttle) {
    return open(system, settings, security, new Handshake(settings.protocolVersion(), localSite, peerSite,
        channel, Optional.of(incarnation)), peer, metrics, throttle);
  }

  private static Flow<ByteString, ByteString, CompletionStage<LinkSession>> connect(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, String localSite, String peerSite, InetSocketAddress peer,
      LinkMetrics metrics, Handshake.Channel channel, WireThrottle throttle) {
    return open(system, settings, security, new Handshake(settings.protocolVersion(), localSite, peerSite, channel),
        peer, metrics, throttle);
  }

  private static Flow<ByteString, ByteString, CompletionStage<LinkSession>> open(ActorSystem<?> system,
      LinkSettings settings, LinkSecurity security, Handshake hello, InetSocketAddress peer, LinkMetrics metrics,
      WireThrottle throttle) {
    return Flow.fromMaterializer((materializer, attributes) ->
            new ClientConnection(system, settings, security, hello, peer, metrics, throttle).flow())
        .mapMaterializedValue(handshake -> handshake.thenCompose(Function.identity()));
  }
}
