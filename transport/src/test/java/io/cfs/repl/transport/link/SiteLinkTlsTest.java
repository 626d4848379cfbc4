package io.cfs.repl.transport.link;

import static io.cfs.repl.transport.link.LinkTestSupport.await;
import static io.cfs.repl.transport.link.LinkTestSupport.bind;
import static io.cfs.repl.transport.link.LinkTestSupport.echo;
import static io.cfs.repl.transport.link.LinkTestSupport.failure;
import static io.cfs.repl.transport.link.LinkTestSupport.settings;
import static io.cfs.repl.transport.link.LinkTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import io.cfs.repl.transport.tls.DevPki;
import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.tls.LinkTls;
import io.cfs.repl.transport.tls.TlsMetrics;
import io.cfs.repl.transport.tls.TlsRefusal;
import io.cfs.repl.transport.tls.TlsRefusedException;
import io.cfs.repl.transport.tls.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS on real loopback links, with certificates of a dev PKI made for each test. */
@ExtendWith(LogCapturingExtension.class)
class SiteLinkTlsTest {
  // a fresh system per test: each LinkTls polls its files for as long as its system runs
  private static ActorTestKit testKit;
  // a first TLS handshake on a busy machine (class loading, key generation of the JDK) may take over a second
  private static final LinkSettings SETTINGS = settings("handshake-timeout = 5s, connect-timeout = 5s");

  @TempDir
  Path dir;
  private DevPki pki;
  private final Refusals serverRefusals = new Refusals();
  private final Refusals clientRefusals = new Refusals();
  private final List<Handshake> hellos = new CopyOnWriteArrayList<>();

  /** Records the refusals a LinkTls reports. */
  static final class Refusals implements TlsMetrics {
    final List<TlsRefusal> reasons = new CopyOnWriteArrayList<>();

    @Override
    public void onRefused(TlsRefusal reason) {
      reasons.add(reason);
    }
  }

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create();
    pki = DevPki.create("test CA");
  }

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void goodCertificatesConnectCarryFramesAndTheSessionSaysMtls() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());
    LinkSecurity siteA = tls("site-a", pki.issue(dir, "site-a").settings(), clientRefusals);

    Pair<CompletionStage<LinkSession>, CompletionStage<List<ByteString>>> run = Source.from(
            List.of(text("one"), text("two")))
        .viaMat(SiteLinkClient.connect(testKit.system(), SETTINGS, siteA, "site-a", "site-b", siteB,
            LinkMetrics.NONE), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(testKit.system());

    LinkSession session = await(run.first());
    assertEquals("mtls", session.connection());
    assertEquals(new Handshake(4, "site-b", "site-a"), session.handshake());
    assertThat(session.peerCertificate()).hasValueSatisfying(c -> assertThat(c.sites()).containsExactly("site-b"));
    // TLS ends the connection when the client's input completes (no half-close), so only the echo of what arrived
    // before is certain; with a finite input both frames were sent before the close
    assertThat(await(run.second())).isSubsetOf(text("one"), text("two"));
    assertEquals(List.of(new Handshake(4, "site-a", "site-b")), hellos);
    assertThat(serverRefusals.reasons).isEmpty();
  }

  @Test
  void aLongLivedLinkCarriesFramesBothWays() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> link = open(
        tls("site-a", pki.issue(dir, "site-a").settings(), clientRefusals), "site-a", siteB).first();

    for (int i = 0; i < 100; i++) {
      link.first().sendNext(text("frame " + i));
      link.second().request(1);
      link.second().expectNext(text("frame " + i));
    }
  }

  @Test
  void aClientWhoseCertificateNamesAnotherSiteIsRefusedBeforeTheHandler() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());
    // a node of site-c (its certificate names site-c) whose hello claims to be site-a
    LinkSecurity impostor = tls("site-c", pki.issue(dir, "site-c").settings(), clientRefusals);

    Throwable e = LoggingTestKit.warn("refused").withMessageContains("claims site site-a")
        .withLoggerName(SiteLinkServer.class.getName())
        .expect(testKit.system(), () -> failure(connect(impostor, "site-a", siteB), Duration.ofSeconds(10)));

    HandshakeRejectedException rejected = assertInstanceOf(HandshakeRejectedException.class, e);
    assertEquals(Reason.CERTIFICATE_SITE, rejected.reason());
    assertThat(rejected.getMessage()).contains("site-c");
    assertThat(hellos).isEmpty();
    assertEquals(List.of(TlsRefusal.WRONG_SITE), serverRefusals.reasons);
  }

  @Test
  void aServerWhoseCertificateNamesAnotherSiteIsRefusedByTheClient() {
    // the listener answering at site-b's address holds site-c's certificate
    InetSocketAddress notB = server("site-c", pki.issue(dir, "site-c").settings());
    LinkSecurity siteA = tls("site-a", pki.issue(dir, "site-a").settings(), clientRefusals);

    Throwable e = failure(connect(siteA, "site-a", "site-b", notB), Duration.ofSeconds(10));

    TlsRefusedException refused = assertInstanceOf(TlsRefusedException.class, e);
    assertEquals(TlsRefusal.WRONG_SITE, refused.reason());
    assertThat(refused.getMessage()).contains("dialled site site-b").contains("[site-c]");
    await().atMost(Duration.ofSeconds(5)).until(() -> clientRefusals.reasons.equals(List.of(TlsRefusal.WRONG_SITE)));
    assertThat(hellos).isEmpty();
  }

  @Test
  void anExpiredClientCertificateIsRefused() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());
    Instant now = Instant.now();
    LinkSecurity expired = tls("site-a", pki.issue(dir, "site-a", DevPki.Request.of("site-a")
        .valid(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))).settings(), clientRefusals);

    Throwable e = failure(connect(expired, "site-a", siteB), Duration.ofSeconds(10));

    assertInstanceOf(TlsRefusedException.class, e, () -> "got " + e);
    await().atMost(Duration.ofSeconds(5)).until(() -> serverRefusals.reasons.equals(List.of(TlsRefusal.EXPIRED)));
    assertThat(hellos).isEmpty();
  }

  @Test
  void aClientCertificateOfAnUnknownCaIsRefused() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());
    DevPki.SiteFiles foreign = DevPki.create("foreign CA").issue(dir.resolve("foreign"), "site-a");
    // it trusts site-b's CA, but site-b does not trust its certificate's
    LinkSecurity siteA = tls("site-a", new DevPki.SiteFiles(foreign.certificate(), foreign.privateKey(),
        pki.issue(dir, "unused").trustedCa()).settings(), clientRefusals);

    Throwable e = failure(connect(siteA, "site-a", siteB), Duration.ofSeconds(10));

    assertInstanceOf(TlsRefusedException.class, e, () -> "got " + e);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> serverRefusals.reasons.equals(List.of(TlsRefusal.UNKNOWN_CA)));
    assertThat(hellos).isEmpty();
  }

  @Test
  void aServerCertificateOfAnUnknownCaIsRefusedByTheClient() {
    InetSocketAddress siteB = server("site-b", DevPki.create("foreign CA").issue(dir.resolve("foreign"), "site-b")
        .settings());
    LinkSecurity siteA = tls("site-a", pki.issue(dir, "site-a").settings(), clientRefusals);

    TlsRefusedException refused = assertInstanceOf(TlsRefusedException.class,
        failure(connect(siteA, "site-a", siteB), Duration.ofSeconds(10)));

    assertEquals(TlsRefusal.UNKNOWN_CA, refused.reason());
    assertEquals(List.of(TlsRefusal.UNKNOWN_CA), clientRefusals.reasons);
  }

  @Test
  void aPlainClientIsRefusedByATlsServer() {
    InetSocketAddress siteB = server("site-b", pki.issue(dir, "site-b").settings());

    failure(connect(LinkSecurity.PLAIN, "site-a", siteB), Duration.ofSeconds(10));

    await().atMost(Duration.ofSeconds(5)).until(() -> serverRefusals.reasons.equals(List.of(TlsRefusal.NOT_TLS)));
    assertThat(hellos).isEmpty();
  }

  @Test
  void changedFilesMoveNewConnectionsToTheNewCertificateWhileAnOpenLinkStays() {
    DevPki.SiteFiles bFiles = pki.issue(dir, "site-b");
    LinkTls siteBTls = fastReloading("site-b", bFiles);
    InetSocketAddress siteB = bind(testKit.system(), SETTINGS, siteBTls, "site-b", this::accept, LinkMetrics.NONE);
    LinkSecurity siteA = tls("site-a", pki.issue(dir, "site-a").settings(), clientRefusals);
    String firstSerial = siteBTls.certificate().getSerialNumber().toString(16);

    Pair<Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>>, CompletionStage<LinkSession>> old =
        open(siteA, "site-a", siteB);
    assertEquals(firstSerial, await(old.second()).peerCertificate().orElseThrow().serial());

    pki.issue(dir, "site-b"); // same paths, new key and serial

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      String presented = await(open(siteA, "site-a", siteB).second()).peerCertificate().orElseThrow().serial();
      return !presented.equals(firstSerial);
    });
    old.first().first().sendNext(text("still here"));
    old.first().second().request(1);
    old.first().second().expectNext(text("still here"));
  }

  @Test
  void brokenNewFilesKeepThePreviousCertificate() {
    DevPki.SiteFiles bFiles = pki.issue(dir, "site-b");
    LinkTls siteBTls = fastReloading("site-b", bFiles);
    String serial = siteBTls.certificate().getSerialNumber().toString(16);

    LoggingTestKit.error("changed TLS files not used").withMessageContains("does not belong to the certificate")
        .expect(testKit.system(), () -> {
          // a certificate of site-b whose key is another's: refused, the old one stays
          DevPki.SiteFiles other = pki.issue(dir.resolve("other"), "site-b");
          copy(other.certificate(), bFiles.certificate());
          return null;
        });
    assertEquals(serial, siteBTls.certificate().getSerialNumber().toString(16));
  }

  /** TLS of {@code site} that reads its files every 100 ms. */
  private LinkTls fastReloading(String site, DevPki.SiteFiles files) {
    TlsSettings fastReload = new TlsSettings(Optional.of(files.certificate()), Optional.of(files.privateKey()),
        Optional.of(files.trustedCa()), false, Duration.ofMillis(100), Duration.ofDays(14));
    return (LinkTls) tls(site, fastReload, serverRefusals);
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InetSocketAddress server(String site, TlsSettings settings) {
    return bind(testKit.system(), SETTINGS, tls(site, settings, serverRefusals), site, this::accept,
        LinkMetrics.NONE);
  }

  private Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    hellos.add(hello);
    return echo().accept(hello);
  }

  private static LinkSecurity tls(String site, TlsSettings settings, TlsMetrics metrics) {
    return LinkSecurity.create(testKit.system(), settings, site, metrics);
  }

  private static CompletionStage<LinkSession> connect(LinkSecurity security, String from, InetSocketAddress to) {
    return connect(security, from, "site-b", to);
  }

  private static CompletionStage<LinkSession> connect(LinkSecurity security, String from, String dialled,
      InetSocketAddress to) {
    return Source.<ByteString>maybe()
        .viaMat(SiteLinkClient.connect(testKit.system(), SETTINGS, security, from, dialled, to, LinkMetrics.NONE),
            Keep.right())
        .to(Sink.ignore())
        .run(testKit.system());
  }

  private static Pair<Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>>,
      CompletionStage<LinkSession>> open(LinkSecurity security, String from, InetSocketAddress to) {
    Pair<Pair<TestPublisher.Probe<ByteString>, CompletionStage<LinkSession>>, TestSubscriber.Probe<ByteString>> m =
        TestSource.<ByteString>probe(testKit.system().classicSystem())
            .viaMat(SiteLinkClient.connect(testKit.system(), SETTINGS, security, from, "site-b", to,
                LinkMetrics.NONE), Keep.both())
            .toMat(TestSink.probe(testKit.system().classicSystem()), Keep.both())
            .run(testKit.system());
    m.second().request(1); // the ack is read only on demand
    return Pair.create(Pair.create(m.first().first(), m.second()), m.first().second());
  }
}
