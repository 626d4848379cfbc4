package io.cfs.repl.transport.tls;

import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node's site links are secured: mutual TLS 1.3 ({@link LinkTls}) or, asked for explicitly, plain TCP. The link
 * stacks the layer this gives between its framing (top: plaintext) and TCP (bottom).
 */
public sealed interface LinkSecurity permits LinkSecurity.Plain, LinkTls {
  /** Plain TCP: for tests of the transport itself, and nodes configured with {@code insecure = true}. */
  LinkSecurity PLAIN = new Plain();

  /**
   * The security of a node of {@code site} from its settings: TLS from the three files (validated now; reloaded when
   * they change), or plain TCP with one warning when {@code insecure = true}.
   *
   * @throws IllegalArgumentException naming the setting and the file when the files are unusable, or naming both
   *     options when neither is set
   */
  static LinkSecurity create(ActorSystem<?> system, TlsSettings settings, String site, TlsMetrics metrics) {
    check(settings, site);
    if (settings.insecure()) {
      Plain.log.warn("Site links of {} run plain TCP, unencrypted and unauthenticated, as configured by {} = true",
          site, TlsSettings.INSECURE);
      return PLAIN;
    }
    return LinkTls.start(system, settings, site, metrics);
  }

  /**
   * Refuses settings a node must not start with, without starting anything: neither TLS files nor {@code insecure},
   * or TLS files that cannot be used by {@code site}.
   */
  static void check(TlsSettings settings, String site) {
    if (!settings.configured() && !settings.insecure()) {
      throw new IllegalArgumentException("site links need TLS: set " + TlsSettings.CERTIFICATE + ", "
          + TlsSettings.PRIVATE_KEY + " and " + TlsSettings.TRUSTED_CA + ", or " + TlsSettings.INSECURE
          + " = true to run them as plain TCP, unencrypted and unauthenticated");
    }
    if (settings.configured()) TlsMaterial.load(settings, site);
  }

  /** "mtls" or "plain", as status shows it. */
  String connection();

  /**
   * The layer of a client's connection: plaintext on top, the bytes for TCP at the bottom.
   *
   * @param dialledSite the site the client dialled: the server's certificate must name it
   * @param presented gets the server's certificate once the handshake accepted it (never called for plain TCP)
   * @param refused gets the connection's refusal by TLS, at most once, already counted
   */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> clientLayer(String dialledSite,
      Consumer<PeerCertificate> presented, Consumer<TlsRefusedException> refused);

  /**
   * The layer of a server's connection: plaintext on top, the bytes for TCP at the bottom.
   *
   * @param presented gets the client's certificate once the handshake accepted it (never called for plain TCP); the
   *     server checks it against the hello
   * @param refused gets the connection's refusal by TLS, at most once, already counted
   */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> serverLayer(Consumer<PeerCertificate> presented,
      Consumer<TlsRefusedException> refused);

  /** A link was refused for its certificate above TLS (the hello's site): counted. */
  void refused(TlsRefusal reason);

  /** Plain TCP: the layer passes bytes through. */
  record Plain() implements LinkSecurity {
    private static final Logger log = LoggerFactory.getLogger(LinkSecurity.class);

    @Override
    public String connection() {
      return "plain";
    }

    @Override
    public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> clientLayer(String dialledSite,
        Consumer<PeerCertificate> presented, Consumer<TlsRefusedException> refused) {
      return BidiFlow.identity();
    }

    @Override
    public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> serverLayer(
        Consumer<PeerCertificate> presented, Consumer<TlsRefusedException> refused) {
      return BidiFlow.identity();
    }

    @Override
    public void refused(TlsRefusal reason) {
      // nothing is refused by TLS when there is none
    }
  }
}
