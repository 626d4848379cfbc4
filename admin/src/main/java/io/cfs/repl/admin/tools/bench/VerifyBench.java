package io.cfs.repl.admin.tools.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.membership.PeerDirectory;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.PeerAddress;
import io.cfs.repl.engine.verify.SiteVerifier;
import io.cfs.repl.engine.verify.VerifyReport;
import io.cfs.repl.engine.verify.VerifyServer;
import io.cfs.repl.engine.verify.VerifySettings;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import io.cfs.repl.persistence.store.StoredValue;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * {@code cfs bench --verify}: verify-and-repair between two embedded stores of {@code --inodes} inodes each, over a
 * real verify link on loopback, in one JVM. Prints bytes exchanged, requests and time for equal stores, for stores
 * with {@code --differences} planted differences (half newer on each side), for the repair of them, and for the
 * verification after it.
 */
final class VerifyBench {
  private static final int SHARDS = 64;
  private static final int APPLY_BATCH = 10_000;

  private VerifyBench() {
  }

  static int run(long inodes, int differences, int payload, Path base) throws Exception {
    Config config = ConfigFactory.parseString("pekko.actor.provider = local").withFallback(NodeConfig.base())
        .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "verify-bench", config);
    ExecutorService storage = Executors.newFixedThreadPool(2);
    try (MetadataStore a = RocksDbMetadataStore.open(base.resolve("site-a"), StoreSettings.defaults());
         MetadataStore b = RocksDbMetadataStore.open(base.resolve("site-b"), StoreSettings.defaults())) {
      System.out.printf("bench --verify: %,d inodes of %d-byte payloads on each of two embedded stores, in %s%n",
          inodes, payload, base);
      long t0 = System.nanoTime();
      fill(a, b, inodes, payload);
      System.out.printf("  loaded both stores in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      KryoCodec codec = KryoRegistrations.fromConfig(config);
      LinkSettings link = LinkSettings.create(config);
      Tcp.ServerBinding server = SiteLinkServer.bind(system, link, LinkSecurity.PLAIN, "site-b", "127.0.0.1", 0,
              new VerifyServer("site-b", PeerSet.of(Set.of("site-a")), b, storage, AuditSink.NONE, codec,
                  link.idleTimeout().dividedBy(3)), LinkMetrics.NONE)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      SiteVerifier verifier = new SiteVerifier("site-a", system, link, LinkSecurity.PLAIN, codec, a, storage, AuditSink.NONE,
          new VerifySettings(Duration.ofMinutes(10), 100),
          new PeerDirectory(Map.of("site-b", PeerAddress.of("site-b", "127.0.0.1", server.localAddress().getPort())))
              ::address);

      System.out.println("---- results ----");
      System.out.printf("%-34s %10s %12s %9s %10s%n", "case", "differing", "bytes", "requests", "time");
      print("equal stores", verify(verifier, false));
      plant(a, b, differences, inodes);
      print(differences + " planted differences", verify(verifier, false));
      print("the same, with --repair", verify(verifier, true));
      VerifyReport after = verify(verifier, false);
      print("after the repair", after);
      server.unbind().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return after.differing() == 0 ? 0 : 1;
    } finally {
      storage.shutdown();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static VerifyReport verify(SiteVerifier verifier, boolean repair) throws Exception {
    return verifier.verify("site-b", repair).toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private static void print(String label, VerifyReport r) {
    System.out.printf("%-34s %,10d %,12d %,9d %8.2f s%s%n", label, r.differing(), r.bytesSent() + r.bytesReceived(),
        r.requests(), r.millis() / 1000.0, r.repair() ? String.format("  (repaired %d here, %d there)",
            r.repairedHere(), r.repairedThere()) : "");
  }

  /** The same history on both stores: each inode created once by site-c, spread over the shards. */
  private static void fill(MetadataStore a, MetadataStore b, long inodes, int payload) {
    Random random = new Random(42);
    long[] seqs = new long[SHARDS];
    List<JournalEntry> batch = new ArrayList<>(APPLY_BATCH);
    for (long inode = 1; inode <= inodes; inode++) {
      int shard = (int) (inode % SHARDS);
      byte[] bytes = new byte[payload];
      random.nextBytes(bytes);
      batch.add(JournalEntry.of("site-c", shard, ++seqs[shard], 1_000_000 + inode, Op.CREATE, inode, 1, bytes));
      if (batch.size() == APPLY_BATCH || inode == inodes) {
        a.apply("site-c", batch, Durability.ASYNC);
        b.apply("site-c", batch, Durability.ASYNC);
        batch.clear();
      }
    }
  }

  /** Newer values of spread-out inodes, half written on each side: what a divergence after a bug would look like. */
  private static void plant(MetadataStore a, MetadataStore b, int differences, long inodes) {
    for (int i = 0; i < differences; i++) {
      long inode = 1 + (i * (inodes / Math.max(1, differences)) + 7) % inodes;
      MetadataStore side = i % 2 == 0 ? a : b;
      String site = i % 2 == 0 ? "site-a" : "site-b";
      side.repair(List.of(new StoredValue(inode, (int) (inode % SHARDS), new Version(9_000_000_000L + i, site),
          Op.WRITE, false, 1, new byte[] {(byte) i})), Durability.SYNC);
    }
  }
}
