package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.hlc.HybridClock;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.model.entry.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers: site configs on loopback ports, and a deterministic entry generator that continues a journal. */
public final class TestSites {
  private TestSites() {
  }

  public static Config config(String site, Path dataDir, Map<String, Integer> linkPorts) {
    Map<String, Object> c = LoopbackSites.nodeKeys(site, dataDir, linkPorts);
    c.put("cfs-repl.replicator.backoff.min", "50ms");
    c.put("cfs-repl.replicator.backoff.max", "500ms");
    return NodeConfig.load(ConfigFactory.parseMap(c));
  }

  public static ReplicationNode start(String site, Path dataDir, Map<String, Integer> ports, ApplyListener listener)
      throws Exception {
    return ReplicationNode.start(config(site, dataDir, ports), listener);
  }

  /**
   * Appends {@code count} entries round-robin over {@code shards}, continuing each shard's head, in append calls of
   * {@code perCall}; waits for each call to be durable.
   */
  public static void append(LocalJournal journal, int shards, int count, int perCall, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    HybridClock clock = new HybridClock();
    long[] next = new long[shards];
    for (int s = 0; s < shards; s++) next[s] = journal.headSeq(s) + 1;
    int written = 0;
    while (written < count) {
      int n = Math.min(perCall, count - written);
      List<JournalEntry> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int shard = (written + i) % shards;
        long inode = shard + (long) shards * random.nextInt(5_000);
        Op op = random.nextInt(10) == 0 ? Op.UNLINK : Op.WRITE;
        batch.add(JournalEntry.of(journal.localSite(), shard, next[shard]++, clock.tick(), op, inode, 1,
            ("inode " + inode + " v" + random.nextInt()).getBytes(StandardCharsets.UTF_8)));
      }
      journal.append(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
      written += n;
    }
  }

  /** Cursor events of one SiteReplicator ({@code entityId} = "site->peer") in the PostgreSQL event journal at url. */
  public static long cursorEvents(String url, String entityId) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
         java.sql.PreparedStatement st = c.prepareStatement(
             "select count(*) from event_journal where persistence_id = ?")) {
      st.setString(1, "SiteReplicator|" + entityId);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A listener that adds to {@code applied} the entries applied from {@code origin}. */
  public static ApplyListener countApplied(String origin, AtomicLong applied) {
    return new ApplyListener() {
      @Override
      public void onBatchApplied(String from, List<JournalEntry> entries,
                                 ApplyResult result, long at) {
        if (from.equals(origin)) applied.addAndGet(result.applied());
      }
    };
  }

  /** A free loopback link port for each of site-a and site-b. */
  public static Map<String, Integer> twoSitePorts() {
    return Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
  }

  public static long sum(Map<Integer, Long> perShard) {
    return perShard.values().stream().mapToLong(Long::longValue).sum();
  }
}
