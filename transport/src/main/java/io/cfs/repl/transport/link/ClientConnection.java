package io.cfs.repl.transport.link;

import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.tls.PeerCertificate;
import io.cfs.repl.transport.tls.TlsRefusal;
import io.cfs.repl.transport.tls.TlsRefusedException;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.InitialTimeoutException;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One materialization of a {@link SiteLinkClient} link: one TCP connection, its handshake and its frames. */
final class ClientConnection {
  private static final Logger log = LoggerFactory.getLogger(SiteLinkClient.class);

  private final ActorSystem<?> system;
  private final LinkSettings settings;
  private final LinkSecurity security;
  private final Handshake hello;
  private final InetSocketAddress peer;
  private final LinkMetrics metrics;
  private final WireThrottle throttle;
  private final FrameCodec codec;
  private final String name;
  private final CompletableFuture<LinkSession> accepted = new CompletableFuture<>();
  private final SharedKillSwitch endOutbound;
  // Written by the TLS stage when the handshake accepted it, before the ack can arrive.
  private volatile PeerCertificate presented;

  ClientConnection(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, Handshake hello,
      InetSocketAddress peer, LinkMetrics metrics, WireThrottle throttle) {
    this.system = system;
    this.settings = settings;
    this.security = security;
    this.hello = hello;
    this.peer = peer;
    this.metrics = metrics;
    this.throttle = throttle;
    this.codec = new FrameCodec(settings);
    this.name = "Link from " + hello.fromSite() + " to " + hello.toSite() + " at " + peer;
    this.endOutbound = KillSwitches.shared("link-" + hello.fromSite() + "-to-" + hello.toSite());
  }

  /** Payloads to send to payloads received; materializes the open link (the server's ack). */
  Flow<ByteString, ByteString, CompletionStage<LinkSession>> flow() {
    Flow<ByteString, ByteString, ?> tcp = Tcp.get(system).outgoingConnection(peer, Optional.empty(),
        LinkStages.socketOptions(settings), true, Optional.of(settings.connectTimeout()), Optional.empty());
    return BidiFlow.fromFlows(outbound(), inbound())
        .atop(LinkStages.framing(settings))
        .atop(security.clientLayer(hello.toSite(), certificate -> presented = certificate, this::refusedByTls))
        .join(tcp)
        .mapMaterializedValue(notUsed -> accepted);
  }

  private Flow<ByteString, ByteString, NotUsed> outbound() {
    return Flow.<ByteString>create()
        .mapAsync(1, frame -> accepted.thenApply(ack -> frame)) // held, not dropped, until the ack
        .via(LinkStages.encoder(codec, metrics))
        // paced after compression, so the throttle holds the bytes on the wire (the prefix is added by the framing)
        // no frame held past a third of the idle timeout: a throttled link slows, it never fails as idle
        .via(throttle.flow(body -> FrameCodec.LENGTH_PREFIX_BYTES + (long) body.size(),
            settings.idleTimeout().dividedBy(3)))
        .prepend(Source.single(HandshakeCodec.hello(hello)))
        .via(endOutbound.flow());
  }

  private Flow<ByteString, ByteString, NotUsed> inbound() {
    // Counted from materialization, so connecting and the handshake share one budget.
    Duration replyTimeout = settings.connectTimeout().plus(settings.handshakeTimeout());
    return Flow.<ByteString>create()
        // a refusal by TLS, ours or the peer's, fails the link with its reason, for the log, metrics and status
        .mapError(SSLException.class, e -> TlsRefusal.of(e).orElseThrow())
        .initialTimeout(replyTimeout)
        .mapError(InitialTimeoutException.class, e -> new InitialTimeoutException(
            name + ": no handshake reply within " + replyTimeout.toMillis() + " ms"))
        .flatMapPrefix(1, this::afterReply)
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> onTermination(failure));
          return NotUsed.getInstance();
        });
  }

  private Flow<ByteString, ByteString, NotUsed> afterReply(List<ByteString> reply) {
    if (reply.isEmpty()) {
      return Flow.fromSinkAndSource(Sink.ignore(), Source.failed(
          new IllegalStateException(name + ": the server closed the connection without answering the hello")));
    }
    Handshake ack;
    try {
      Handshake reply0 = HandshakeCodec.readReply(reply.get(0));
      // an ack does not repeat the channel: it answers the hello of this connection
      ack = new Handshake(reply0.protocolVersion(), reply0.fromSite(), reply0.toSite(), hello.channel());
    } catch (HandshakeRejectedException e) {
      log.warn("{} rejected: {}", name, e.getMessage());
      metrics.onHandshakeRejected(hello, e.reason());
      throw e;
    }
    log.info("{} accepted by {} ({})", name, ack, security.connection());
    accepted.complete(new LinkSession(ack, security.connection(), Optional.ofNullable(presented)));
    return LinkStages.decoder(codec, metrics);
  }

  /** Logged here; the materialized stage fails with it, whatever failure the stream itself ends with. */
  private void refusedByTls(TlsRefusedException refusal) {
    log.warn("{} refused by TLS: {}", name, refusal.getMessage());
    accepted.completeExceptionally(refusal);
  }

  /** The inbound side ended: end the outbound side too, so the caller sees one link that is over. */
  private void onTermination(Throwable failure) {
    if (failure == null) {
      accepted.completeExceptionally(new IllegalStateException(name + " closed before the handshake completed"));
      endOutbound.shutdown();
      log.info("{} closed", name);
      return;
    }
    accepted.completeExceptionally(failure);
    endOutbound.abort(failure);
    if (LinkStages.shuttingDown(system)) {
      log.info("{} closed by shutdown", name);
    } else if (!(failure instanceof HandshakeRejectedException) && TlsRefusal.of(failure).isEmpty()) {
      log.warn("{} failed: {}", name, failure.toString());
    }
  }
}
