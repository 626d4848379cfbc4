package io.cfs.repl.transport.link;

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
 *   <li>The materialized stage completes with the server's ack, or fails with {@link HandshakeRejectedException}
 *       (the server's reason), a connect or handshake timeout, or the connection's failure.</li>
 *   <li>When the input completes, the connection is half-closed: the peer's remaining frames are still delivered.</li>
 *   <li>When the peer closes or the connection fails, the whole flow ends (output completed or failed, input
 *       cancelled), so the caller always notices.</li>
 * </ul>
 */
public final class SiteLinkClient {
  private SiteLinkClient() {}

  /** A data link from {@code localSite} to {@code peerSite} at {@code peer}; connects anew on each materialization. */
  public static Flow<ByteString, ByteString, CompletionStage<Handshake>> connect(ActorSystem<?> system,
      LinkSettings settings, String localSite, String peerSite, InetSocketAddress peer, LinkMetrics metrics) {
    return connect(system, settings, localSite, peerSite, peer, metrics, Handshake.Channel.DATA);
  }

  /** A link of {@code channel} from {@code localSite} to {@code peerSite} at {@code peer}. */
  public static Flow<ByteString, ByteString, CompletionStage<Handshake>> connect(ActorSystem<?> system,
      LinkSettings settings, String localSite, String peerSite, InetSocketAddress peer, LinkMetrics metrics,
      Handshake.Channel channel) {
    return open(system, settings, new Handshake(settings.protocolVersion(), localSite, peerSite, channel), peer,
        metrics);
  }

  /**
   * A data link that names {@code incarnation}, the incarnation of {@code localSite}'s journal, in its hello: a peer
   * that applied another incarnation's entries refuses it ({@code INCARNATION_MISMATCH}).
   */
  public static Flow<ByteString, ByteString, CompletionStage<Handshake>> connect(ActorSystem<?> system,
      LinkSettings settings, String localSite, String peerSite, InetSocketAddress peer, LinkMetrics metrics,
      UUID incarnation) {
    return open(system, settings, new Handshake(settings.protocolVersion(), localSite, peerSite,
        Handshake.Channel.DATA, Optional.of(incarnation)), peer, metrics);
  }

  private static Flow<ByteString, ByteString, CompletionStage<Handshake>> open(ActorSystem<?> system,
      LinkSettings settings, Handshake hello, InetSocketAddress peer, LinkMetrics metrics) {
    return Flow.fromMaterializer((materializer, attributes) ->
            new ClientConnection(system, settings, hello, peer, metrics).flow())
        .mapMaterializedValue(handshake -> handshake.thenCompose(Function.identity()));
  }
}
