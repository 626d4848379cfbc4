package io.cfs.repl.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.PeerAddress;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreDigest;
import io.cfs.repl.persistence.store.StoreSettings;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.DevPki;
import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.tls.TlsMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify-and-repair between two real stores over a real verify link on loopback: equal stores cost a round trip, each
 * planted difference is found with the right winner, a repair leaves both stores equal and audited on the side written,
 * and what a verification exchanges grows with the differences, not with the store.
 */
class SiteVerifierTest {
  private static final Config CONFIG = ConfigFactory.parseString("pekko.actor.provider = local")
      .withFallback(NodeConfig.base()).resolve();
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String C = "site-c";
  private static final int INODES = 20_000;
  private static final long ONLY_A = 1_000_040;
  private static final long ONLY_B = 1_000_030;

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private ExecutorService storage;
  private MetadataStore storeA;
  private MetadataStore storeB;
  private final List<AuditRecord> auditA = new CopyOnWriteArrayList<>();
  private final List<AuditRecord> auditB = new CopyOnWriteArrayList<>();
  private Tcp.ServerBinding serverB;
  private SiteVerifier verifier;

  @BeforeEach
  void setUp() throws Exception {
    kit = ActorTestKit.create(CONFIG);
    storage = Executors.newFixedThreadPool(2);
    storeA = RocksDbMetadataStore.open(dir.resolve("a"), StoreSettings.defaults());
    storeB = RocksDbMetadataStore.open(dir.resolve("b"), StoreSettings.defaults());
    KryoCodec codec = KryoRegistrations.fromConfig(CONFIG);
    LinkSettings link = LinkSettings.create(CONFIG);
    serverB = SiteLinkServer.bind(kit.system(), link, LinkSecurity.PLAIN, B, "127.0.0.1", 0,
            new VerifyServer(B, PeerSet.of(Set.of(A)), storeB, storage, auditB::add, codec, link.idleTimeout().dividedBy(3)),
            LinkMetrics.NONE)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    verifier = new SiteVerifier(A, kit.system(), link, LinkSecurity.PLAIN, codec, storeA, storage, auditA::add,
        new VerifySettings(Duration.ofSeconds(30), 1000),
        peerB(serverB));
    // the same history on both sites: INODES inodes written by site-c, in one shard
    List<JournalEntry> history = new ArrayList<>();
    for (long inode = 1; inode <= INODES; inode++) {
      history.add(entry(C, inode, inode, 1_000 + inode, Op.CREATE, "v1-" + inode));
    }
    storeA.apply(C, history);
    storeB.apply(C, history);
  }

  @AfterEach
  void tearDown() throws Exception {
    serverB.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.shutdownTestKit();
    storage.shutdown();
    storeA.close();
    storeB.close();
  }

  @Test
  void equalStoresCostOneRoundTrip() throws Exception {
    VerifyReport report = verify(false);

    assertEquals(0, report.differing());
    assertEquals(INODES, report.localInodes());
    assertEquals(INODES, report.peerInodes());
    assertEquals(1, report.requests(), "the roots agree: nothing more is asked");
    assertTrue(report.bytesSent() + report.bytesReceived() < 200, "bytes: " + report);
    assertEquals(AuditKind.VERIFIED, auditA.get(0).kind());
    assertEquals(List.of(), auditB, "nothing written on the peer");
  }

  @Test
  void everyPlantedDifferenceIsFoundWithItsWinnerAndNothingChangesWithoutRepair() throws Exception {
    plantDifferences();
    StoreDigest beforeA = storeA.digest();
    StoreDigest beforeB = storeB.digest();

    VerifyReport report = verify(false);

    assertEquals(5, report.differing());
    Map<Long, String> winners = new java.util.TreeMap<>();
    report.divergent().forEach(d -> winners.put(d.inode(), d.winner()));
    assertEquals(Map.of(10L, A, 20L, B, ONLY_B, B, ONLY_A, A, 50L, B), winners);
    VerifyReport.Divergence onlyOnB = report.divergent().stream().filter(d -> d.inode() == ONLY_B).findFirst()
        .orElseThrow();
    assertNull(onlyOnB.local());
    assertTrue(report.divergent().stream().filter(d -> d.inode() == 50).findFirst().orElseThrow().peer()
        .tombstone());
    assertEquals(beforeA, storeA.digest(), "a verification without repair writes nothing");
    assertEquals(beforeB, storeB.digest());
    assertTrue(report.bytesSent() + report.bytesReceived() < 40_000,
        "5 differences among " + INODES + " inodes: " + report);
  }

  @Test
  void aRepairShipsTheWinnersBothWaysAndAuditsEachOnTheSiteWritten() throws Exception {
    plantDifferences();

    VerifyReport report = verify(true);

    assertEquals(5, report.differing());
    assertEquals(3, report.repairedHere(), "inodes 20, ONLY_B and 50 came from site-b");
    assertEquals(2, report.repairedThere(), "inodes 10 and ONLY_A went to site-b");
    assertEquals(storeA.digest(), storeB.digest());
    assertEquals(Set.of(20L, ONLY_B, 50L), repairedInodes(auditA));
    assertEquals(Set.of(10L, ONLY_A), repairedInodes(auditB));
    auditB.forEach(r -> assertEquals(A, r.peer()));
    AuditRecord summary = auditA.get(auditA.size() - 1);
    assertEquals(AuditKind.VERIFIED, summary.kind());
    assertEquals("5", summary.attributes().get("differing"));

    VerifyReport again = verify(false);
    assertEquals(0, again.differing(), "a repaired pair verifies equal");
  }

  @Test
  void equalVersionsWithDifferentContentAreReportedAndNotRepaired() throws Exception {
    storeA.apply("site-d", List.of(entry("site-d", 1, 7, 9_000, Op.WRITE, "one content")));
    storeB.apply("site-d", List.of(entry("site-d", 1, 7, 9_000, Op.WRITE, "another content")));

    VerifyReport report = verify(true);

    assertEquals(1, report.differing());
    assertEquals(1, report.unrepairable());
    assertNull(report.divergent().get(0).winner());
    assertEquals(0, report.repairedHere() + report.repairedThere());
    assertNotEquals(storeA.digest(), storeB.digest());
  }

  @Test
  void anUnknownPeerOrASecondVerificationIsRefusedAndChangesNothing() throws Exception {
    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> verifier.verify("site-x", true).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, unknown.getCause());

    CompletableFuture<VerifyReport> first = verifier.verify(B, false).toCompletableFuture();
    CompletableFuture<VerifyReport> second = verifier.verify(B, false).toCompletableFuture();
    if (!first.isDone()) {
      ExecutionException busy = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, busy.getCause());
    }
    assertEquals(0, first.get(30, TimeUnit.SECONDS).differing());
    // the node is free again by the time a verification's outcome is known
    for (int i = 0; i < 5; i++) {
      assertEquals(0, verify(false).differing());
    }
  }

  /**
   * A tree build longer than the link's idle timeout (a large store; here a storage executor that starts each task
   * 1.5 s late, against an idle timeout of 400 ms): the answering site keeps the link alive until it answers.
   */
  @Test
  void aScanLongerThanTheIdleTimeoutKeepsTheLinkAlive() throws Exception {
    LinkSettings link = LinkSettings.create(ConfigFactory.parseString("cfs-repl.transport.idle-timeout = 400ms")
        .withFallback(CONFIG));
    KryoCodec codec = KryoRegistrations.fromConfig(CONFIG);
    Executor slowStorage = CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS, storage);
    Tcp.ServerBinding slowServer = SiteLinkServer.bind(kit.system(), link, LinkSecurity.PLAIN, B, "127.0.0.1", 0,
            new VerifyServer(B, PeerSet.of(Set.of(A)), storeB, slowStorage, auditB::add, codec, link.idleTimeout().dividedBy(3)),
            LinkMetrics.NONE)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      SiteVerifier patient = new SiteVerifier(A, kit.system(), link, LinkSecurity.PLAIN, codec, storeA, storage,
          auditA::add, new VerifySettings(Duration.ofSeconds(30), 10),
          peerB(slowServer));
      plantDifferences();

      VerifyReport report = patient.verify(B, false).toCompletableFuture().get(60, TimeUnit.SECONDS);

      assertEquals(5, report.differing());
      assertTrue(report.millis() > 1500, "each of the peer's answers came 1.5 s late: " + report.millis() + " ms");
    } finally {
      slowServer.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A node's verify link is a site link like the others: mutual TLS when the site links are. */
  @Test
  void verifyAndRepairRunOverMutualTls() throws Exception {
    DevPki pki = DevPki.create("verify-test-ca");
    LinkSecurity tlsA = LinkSecurity.create(kit.system(), pki.issue(dir.resolve("pki-a"), A).settings(), A,
        TlsMetrics.NONE);
    LinkSecurity tlsB = LinkSecurity.create(kit.system(), pki.issue(dir.resolve("pki-b"), B).settings(), B,
        TlsMetrics.NONE);
    KryoCodec codec = KryoRegistrations.fromConfig(CONFIG);
    LinkSettings link = LinkSettings.create(CONFIG);
    Tcp.ServerBinding tlsServer = SiteLinkServer.bind(kit.system(), link, tlsB, B, "127.0.0.1", 0,
            new VerifyServer(B, PeerSet.of(Set.of(A)), storeB, storage, auditB::add, codec, link.idleTimeout().dividedBy(3)),
            LinkMetrics.NONE)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      SiteVerifier overTls = new SiteVerifier(A, kit.system(), link, tlsA, codec, storeA, storage, auditA::add,
          new VerifySettings(Duration.ofSeconds(30), 1000),
          peerB(tlsServer));
      plantDifferences();

      VerifyReport report = overTls.verify(B, true).toCompletableFuture().get(60, TimeUnit.SECONDS);

      assertEquals(5, report.differing());
      assertEquals(storeA.digest(), storeB.digest());
    } finally {
      tlsServer.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSiteThePeerDoesNotKnowIsRefusedAtTheHandshake() {
    SiteVerifier stranger = new SiteVerifier("site-x", kit.system(), LinkSettings.create(CONFIG), LinkSecurity.PLAIN,
        KryoRegistrations.fromConfig(CONFIG), storeA, storage, auditA::add,
        new VerifySettings(Duration.ofSeconds(30), 10),
        peerB(serverB));

    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> stranger.verify(B, true).toCompletableFuture().get(30, TimeUnit.SECONDS));

    Throwable cause = refused.getCause().getCause();
    assertInstanceOf(HandshakeRejectedException.class, cause);
    assertTrue(cause.getMessage().contains("not a peer of site-b"), cause.getMessage());
    assertEquals(List.of(), auditB);
  }

  /** Five differences: 10 newer on A; 20 newer on B; one inode only on B, one only on A; 50 deleted on B. */
  private void plantDifferences() {
    storeA.apply(A, List.of(entry(A, 1, 10, 50_000, Op.WRITE, "a-newer"),
        entry(A, 2, ONLY_A, 50_000, Op.CREATE, "a-only")));
    storeB.apply(B, List.of(entry(B, 1, 20, 50_000, Op.WRITE, "b-newer"),
        entry(B, 2, ONLY_B, 50_000, Op.CREATE, "b-only"), entry(B, 3, 50, 50_000, Op.UNLINK, "")));
  }

  private VerifyReport verify(boolean repair) throws Exception {
    return verifier.verify(B, repair).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Set<Long> repairedInodes(List<AuditRecord> audit) {
    Set<Long> inodes = new java.util.TreeSet<>();
    audit.stream().filter(r -> r.kind() == AuditKind.REPAIRED).forEach(r -> inodes.add(r.inode()));
    return inodes;
  }

  private static JournalEntry entry(String origin, long seq, long inode, long hlc, Op op, String payload) {
    return JournalEntry.of(origin, 0, seq, hlc, op, inode, 1, payload.getBytes(StandardCharsets.UTF_8));
  }

  private static Function<String, Optional<PeerAddress>> peerB(Tcp.ServerBinding server) {
    PeerAddress b = PeerAddress.of(B, "127.0.0.1", server.localAddress().getPort());
    return site -> site.equals(B) ? Optional.of(b) : Optional.empty();
  }
}
