package io.cfs.repl.transport.link;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.tls.LinkTls;
import io.cfs.repl.transport.tls.PeerCertificate;
import io.cfs.repl.transport.tls.TlsRefusal;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.InitialTimeoutException;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted TCP connection of a {@link SiteLinkServer}: its TLS layer (if any), then reads the hello, checks it
 * (against the client's certificate over TLS), answers it, then runs the handler.
 */
final class ServerConnection {
  private static final Logger log = LoggerFactory.getLogger(SiteLinkServer.class);

  private final ActorSystem<?> system;
  private final LinkSettings settings;
  private final LinkSecurity security;
  private final String localSite;
  private final LinkHandler handler;
  private final LinkMetrics metrics;
  private final FrameCodec codec;
  private final InetSocketAddress remote;
  // Written by the stream once the hello is read, read by the termination callback on another thread.
  private volatile String peerSite = "(unknown site)";
  // Written by the TLS stage once the handshake validated it, before the first frame goes up; read with the hello.
  private volatile PeerCertificate peerCertificate;

  ServerConnection(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, String localSite,
      LinkHandler handler, LinkMetrics metrics, FrameCodec codec, InetSocketAddress remote) {
    this.system = system;
    this.settings = settings;
    this.security = security;
    this.localSite = localSite;
    this.handler = handler;
    this.metrics = metrics;
    this.codec = codec;
    this.remote = remote;
  }

  /** Bytes from the client to bytes for the client. */
  Flow<ByteString, ByteString, NotUsed> flow() {
    Flow<ByteString, ByteString, NotUsed> session = Flow.<ByteString>create()
        .initialTimeout(settings.handshakeTimeout())
        .mapError(InitialTimeoutException.class, e -> new InitialTimeoutException(
            "no hello within " + settings.handshakeTimeout().toMillis() + " ms"))
        .flatMapPrefix(1, this::open);
    Flow<ByteString, ByteString, NotUsed> framed = LinkStages.framing(settings).reversed().join(session)
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> logTermination(failure));
          return NotUsed.getInstance();
        });
    BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> layer =
        security.serverLayer(presented -> peerCertificate = presented, refusal -> log.warn(
            "Link from {} at {} to {} refused by TLS: {}", peerSite, remote, localSite, refusal.getMessage()));
    return layer.reversed().join(framed);
  }

  private Flow<ByteString, ByteString, NotUsed> open(List<ByteString> first) {
    if (first.isEmpty()) {
      // The client closed before saying hello: the input is already complete, so identity just completes.
      return Flow.create();
    }
    Handshake hello = null;
    try {
      hello = HandshakeCodec.readHello(first.get(0));
      peerSite = hello.fromSite();
      check(hello);
      Flow<ByteString, ByteString, NotUsed> conversation = handler.accept(hello);
      log.info("Link from {} at {} to {} accepted", hello.fromSite(), remote, localSite);
      ByteString ack = HandshakeCodec.ack(new Handshake(settings.protocolVersion(), localSite, hello.fromSite(),
          hello.channel()));
      return LinkStages.decoder(codec, metrics)
          .via(conversation)
          .via(LinkStages.encoder(codec, metrics))
          .prepend(Source.single(ack));
    } catch (HandshakeRejectedException e) {
      if (e.reason() == Reason.CERTIFICATE_SITE) {
        log.warn("Link from {} at {} to {} refused: {}", peerSite, remote, localSite, e.getMessage());
        security.refused(TlsRefusal.WRONG_SITE);
      } else {
        log.info("Link from {} at {} to {} rejected: {}", peerSite, remote, localSite, e.getMessage());
      }
      metrics.onHandshakeRejected(hello, e.reason());
      ByteString reject = HandshakeCodec.reject(settings.protocolVersion(), localSite,
          hello == null ? "" : hello.fromSite(), e);
      return Flow.fromSinkAndSource(Sink.cancelled(), Source.single(reject));
    }
  }

  private void check(Handshake hello) {
    if (hello.protocolVersion() != settings.protocolVersion()) {
      throw new HandshakeRejectedException(Reason.PROTOCOL_VERSION, "site " + localSite + " speaks protocol v"
          + settings.protocolVersion() + ", " + hello.fromSite() + " offered v" + hello.protocolVersion());
    }
    if (!hello.toSite().equals(localSite)) {
      throw new HandshakeRejectedException(Reason.WRONG_TARGET_SITE, "this is site " + localSite + ", not "
          + hello.toSite());
    }
    if (security instanceof LinkTls) {
      PeerCertificate presented = peerCertificate;
      if (presented == null || !presented.names(hello.fromSite())) {
        throw new HandshakeRejectedException(Reason.CERTIFICATE_SITE, "the hello claims site " + hello.fromSite()
            + " but the client's certificate " + (presented == null ? "is missing"
            : presented.subject() + " names " + presented.sites()));
      }
    }
  }

  private void logTermination(Throwable failure) {
    if (failure == null || LinkStages.shuttingDown(system)) {
      log.info("Link from {} at {} to {} closed", peerSite, remote, localSite);
    } else if (TlsRefusal.of(failure).isPresent()) {
      log.debug("Link from {} at {} to {} ended by its TLS refusal", peerSite, remote, localSite);
    } else if (failure instanceof FramingException || failure instanceof MalformedFrameException) {
      log.error("Link from {} at {} to {} failed on a bad frame (cfs-repl.transport.max-frame-bytes = {}): {}",
          peerSite, remote, localSite, settings.maxFrameBytes(), failure.getMessage());
    } else {
      log.warn("Link from {} at {} to {} failed: {}", peerSite, remote, localSite, failure.toString());
    }
  }
}
