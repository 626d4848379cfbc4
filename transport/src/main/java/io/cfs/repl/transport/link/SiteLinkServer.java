package io.cfs.repl.transport.link;

import io.cfs.repl.transport.tls.LinkSecurity;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening end of site links. Over mutual TLS ({@link LinkSecurity}), the client's certificate must chain to the
 * trusted CAs and name the site its hello claims ({@code CERTIFICATE_SITE} otherwise); a refused client never reaches
 * the handler. Each TCP connection must open with a hello (see {@code HandshakeCodec}); the
 * server checks its magic ({@code MALFORMED}), protocol version ({@code PROTOCOL_VERSION}) and target site
 * ({@code WRONG_TARGET_SITE}), then asks the {@link LinkHandler}, and answers with an ack or a reject frame. After
 * the ack every frame goes through {@code FrameCodec} to and from the handler's flow.
 *
 * <p>Each connection fails on its own — a frame over {@code max-frame-bytes}, an unreadable frame, a missing hello,
 * an idle link — and the server keeps serving the others. Unbinding stops accepting; open links run on.
 */
public final class SiteLinkServer {
  private static final Logger log = LoggerFactory.getLogger(SiteLinkServer.class);
  private static final int BACKLOG = 100;

  private SiteLinkServer() {}

  /**
   * Binds and serves until unbound.
   *
   * @param port the port, or 0 for any free one (read it from the binding)
   * @return the binding, or a failure if the address cannot be bound
   */
  public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, LinkSettings settings,
      LinkSecurity security, String localSite, String host, int port, LinkHandler handler, LinkMetrics metrics) {
    FrameCodec codec = new FrameCodec(settings);
    // halfClose: a client that finished sending still gets the handler's last frames (its final acks).
    Pair<CompletionStage<Tcp.ServerBinding>, CompletionStage<Done>> running = Tcp.get(system)
        .bind(host, port, BACKLOG, LinkStages.socketOptions(settings), true, Optional.empty())
        .toMat(Sink.foreach(connection -> connection.handleWith(
            new ServerConnection(system, settings, security, localSite, handler, metrics, codec,
                connection.remoteAddress())
                .flow(),
            system)), Keep.both())
        .run(system);
    running.first().thenAccept(binding ->
        log.info("Site link server of {} listening on {} ({})", localSite, binding.localAddress(),
            security.connection()));
    running.second().whenComplete((done, failure) -> {
      if (failure == null || LinkStages.shuttingDown(system)) {
        log.info("Site link server of {} on {}:{} stopped accepting links", localSite, host, port);
      } else {
        log.error("Site link server of {} on {}:{} failed", localSite, host, port, failure);
      }
    });
    return running.first();
  }
}
