package io.cfs.repl.transport.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS 1.3 on site links, from PEM files that are read again every {@code reload-interval}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every connection takes the SSL context current when it opens and keeps it: a reload moves new connections to
 *       the new certificate, and existing links to it on their next reconnect.</li>
 *   <li>Changed files are used only once they pass the same checks as at startup; until then the previous context
 *       stays current, and the failure is logged (once per change) and counted.</li>
 *   <li>No link reaches the framing above before its peer's certificate was validated against {@code trusted-ca} and,
 *       on a client, found to name the dialled site; the server checks the site against the hello.</li>
 * </ul>
 *
 * <p>TLS cannot half-close here (Pekko's TLS stage discards what arrives after its own close_notify): when one end's
 * input completes, the connection ends, and frames the peer still had in flight are lost. Links do not rely on it:
 * acks are idempotent and cursors resend from the last persisted position.
 */
public final class LinkTls implements LinkSecurity {
  private static final Logger log = LoggerFactory.getLogger(LinkTls.class);

  private final TlsSettings settings;
  private final String site;
  private final TlsMetrics metrics;
  private volatile TlsMaterial current;
  /** The files last tried, so that a broken change is reported once, not every tick. */
  private TlsMaterial.FileContents lastTried;
  /** The last reload failure reported, so that a file that stays unreadable is reported once. */
  private String lastFailure;
  private final Map<String, PeerCertificate> peers = new ConcurrentHashMap<>();
  /** Serials already warned about as expiring, so each certificate is warned about once. */
  private final Map<String, Boolean> warned = new ConcurrentHashMap<>();

  private LinkTls(TlsSettings settings, String site, TlsMetrics metrics, TlsMaterial material) {
    this.settings = settings;
    this.site = site;
    this.metrics = metrics;
    this.current = material;
    this.lastTried = material.files();
  }

  static LinkTls start(ActorSystem<?> system, TlsSettings settings, String site, TlsMetrics metrics) {
    LinkTls tls = new LinkTls(settings, site, metrics, TlsMaterial.load(settings, site));
    log.info("Site links of {} use mutual TLS 1.3 with {} (serial {}, expires {})", site,
        settings.certificate().orElseThrow(), tls.current.certificate().getSerialNumber().toString(16),
        tls.current.certificate().getNotAfter().toInstant());
    tls.warnIfRefused(tls.current);
    tls.checkExpiry();
    Duration every = settings.reloadInterval();
    // reading files blocks: not on the scheduler's own thread
    system.scheduler().scheduleWithFixedDelay(every, every, tls::tick,
        system.dispatchers().lookup(DispatcherSelector.blocking()));
    return tls;
  }

  @Override
  public String connection() {
    return "mtls";
  }

  /** The certificate new connections present. */
  public X509Certificate certificate() {
    return current.certificate();
  }

  @Override
  public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> clientLayer(String dialledSite,
      Consumer<PeerCertificate> presented, Consumer<TlsRefusedException> refused) {
    return layer(true, refused, session -> {
      PeerCertificate peer = peerCertificate(session);
      if (!peer.names(dialledSite)) {
        throw new TlsRefusedException(TlsRefusal.WRONG_SITE, "dialled site " + dialledSite
            + " but its certificate " + peer.subject() + " names " + peer.sites());
      }
      peers.put(dialledSite, peer); // its expiry is watched from now on
      presented.accept(peer);
    });
  }

  @Override
  public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> serverLayer(
      Consumer<PeerCertificate> presented, Consumer<TlsRefusedException> refused) {
    return layer(false, refused, session -> presented.accept(peerCertificate(session)));
  }

  @Override
  public void refused(TlsRefusal reason) {
    metrics.onRefused(reason);
  }

  /** Reads the files and, if they changed, moves new connections to them once they pass the checks. */
  void tick() {
    try {
      TlsMaterial.FileContents files = TlsMaterial.FileContents.read(settings);
      if (!files.sameAs(lastTried)) {
        lastTried = files;
        TlsMaterial next = TlsMaterial.load(settings, site, files);
        current = next;
        warnIfRefused(next);
        log.info("Site links of {}: new certificate loaded (serial {}, expires {}); new connections use it",
            site, next.certificate().getSerialNumber().toString(16), next.certificate().getNotAfter().toInstant());
      }
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(lastFailure)) {
        lastFailure = e.getMessage();
        metrics.onReloadFailed();
        log.error("Site links of {}: changed TLS files not used, the previous certificate stays: {}", site,
            e.getMessage());
      }
      return;
    }
    lastFailure = null;
    checkExpiry();
  }

  private void warnIfRefused(TlsMaterial material) {
    if (material.peersWillRefuse() != null) {
      log.warn("Site links of {}: peers will refuse this node's certificate: {}", site, material.peersWillRefuse());
    }
  }

  private void checkExpiry() {
    X509Certificate own = current.certificate();
    report(site, true, own.getSerialNumber().toString(16), own.getNotAfter().getTime());
    peers.forEach((peerSite, peer) -> report(peerSite, false, peer.serial(), peer.notAfterMillis()));
  }

  private void report(String certSite, boolean own, String serial, long notAfterMillis) {
    long secondsLeft = (notAfterMillis - System.currentTimeMillis()) / 1000;
    metrics.onCertificateExpiry(certSite, own, secondsLeft);
    if (secondsLeft < settings.expiryWarning().toSeconds() && warned.putIfAbsent(serial, true) == null) {
      log.warn("The {} certificate of site {} (serial {}) expires in {} h, within {} = {}",
          own ? "own" : "peer's", certSite, serial, secondsLeft / 3600, TlsSettings.PREFIX + "expiry-warning",
          settings.expiryWarning());
    }
  }

  private static PeerCertificate peerCertificate(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return PeerCertificate.of((X509Certificate) chain[0]);
    } catch (SSLPeerUnverifiedException e) {
      throw new TlsRefusedException(TlsRefusal.NO_CLIENT_CERT, "the peer presented no certificate");
    }
  }

  /**
   * TLS with the context current now. The first refusal of the connection, by this end's checks or the JDK's, is
   * counted and handed to {@code refused} (once), before the stream fails.
   */
  private BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> layer(boolean client,
      Consumer<TlsRefusedException> refused, Consumer<SSLSession> verify) {
    TlsMaterial material = current;
    AtomicBoolean reported = new AtomicBoolean();
    Consumer<Throwable> report = failure -> TlsRefusal.of(failure).ifPresent(refusal -> {
      if (reported.compareAndSet(false, true)) {
        metrics.onRefused(refusal.reason());
        refused.accept(refusal);
      }
    });
    Supplier<SSLEngine> engine = () -> new ObservedEngine(material.engine(client), report::accept);
    Consumer<SSLSession> verifyAndReport = session -> {
      try {
        verify.accept(session);
      } catch (TlsRefusedException e) {
        report.accept(e);
        throw e;
      }
    };
    BidiFlow<ByteString, TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, ByteString, NotUsed> plaintext =
        BidiFlow.fromFlows(
            Flow.<ByteString>create().map(TLSProtocol.SendBytes::new),
            Flow.<TLSProtocol.SslTlsInbound>create()
                .collectType(TLSProtocol.SessionBytes.class)
                .map(TLSProtocol.SessionBytes::bytes));
    return plaintext.atop(TLS.create(engine, verifyAndReport, TLSClosing.eagerClose()));
  }
}
