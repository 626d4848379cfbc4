package io.cfs.repl.engine.resync;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ResyncView;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.HybridClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How fast a snapshot resync ships a store (not a test: run it by hand, see docs/benchmarks.md). Site A takes
 * {@code inodes} writes of distinct inodes ({@code payload} bytes each, 64 shards) while B is down, past a small cap, so
 * B is dropped; then B starts and the time from its start to the resync's end is measured, with what it shipped. Two
 * sites in one JVM over loopback TCP, embedded storage, fsync on.
 */
public final class SnapshotResyncBench {
  private SnapshotResyncBench() {
  }

  public static void main(String[] args) throws Exception {
    int inodes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int payload = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int shards = 64;
    Path dir = Files.createTempDirectory("resync-bench");
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    Config extra = ConfigFactory.parseMap(Map.of("cfs-repl.journal-gc.interval", "1s",
        "cfs-repl.journal-gc.keep-entries", 0, "cfs-repl.journal-gc.max-journal-bytes", "1 MiB"));
    try (ReplicationNode a = ReplicationNode.start(extra.withFallback(TestSites.config("site-a",
        dir.resolve("a"), ports)), NodeHooks.NONE)) {
      long t0 = System.nanoTime();
      HybridClock clock = new HybridClock();
      long[] next = new long[shards];
      byte[] bytes = new byte[payload];
      for (int written = 0; written < inodes; ) {
        int n = Math.min(5_000, inodes - written);
        List<JournalEntry> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long inode = written + i;
          int shard = (int) (inode % shards);
          batch.add(JournalEntry.of("site-a", shard, ++next[shard], clock.tick(), Op.WRITE, inode, 1, bytes));
        }
        a.journal().append(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        written += n;
      }
      System.out.printf("loaded %,d inodes of %d bytes into site-a in %.1f s%n", inodes, payload,
          (System.nanoTime() - t0) / 1e9);
      while (status(a).resync() == null) Thread.sleep(200); // waiting for the cap to drop B (a bench, not a test)
      long t1 = System.nanoTime();
      try (ReplicationNode b = ReplicationNode.start(TestSites.config("site-b", dir.resolve("b"), ports),
          NodeHooks.NONE)) {
        ReplicatorStatus s = status(a);
        while (!(s.state() == LinkState.CONNECTED && s.resync().phase() == ResyncView.Phase.FINISHED)) {
          Thread.sleep(100);
          s = status(a);
        }
        double seconds = (System.nanoTime() - t1) / 1e9;
        ResyncView r = s.resync();
        System.out.printf("RESULT resync of %,d values, %,d payload bytes: %.1f s from site-b's start (%,.0f values/s,"
            + " %.1f MB/s of payload); run %d ms; digests equal: %b%n", r.values(), r.bytes(), seconds,
            r.values() / seconds, r.bytes() / seconds / 1e6, r.finishedMillis() - r.startedMillis(),
            a.store().digest().hash().equals(b.store().digest().hash()));
      }
    }
  }

  private static ReplicatorStatus status(ReplicationNode node) throws Exception {
    return node.status(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
  }
}
