package io.cfs.repl.persistence.store;

import static io.cfs.repl.model.entry.TestEntries.change;
import static io.cfs.repl.model.entry.TestEntries.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata store rules on PostgreSQL, and what only a store shared by the nodes of a site does; also checked
 * against {@link RocksDbMetadataStore} fed the same batches. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth and a
 * database "test" ({@code .ci/run} starts it). Every test uses site ids of its own, because the tables outlive the
 * runs.
 */
@Tag("postgres")
class PostgresMetadataStoreTest extends MetadataStoreContract {
  private static final List<String> ORIGINS = List.of(A, B, "site-c");
  /** Shared inodes, so that origins overwrite, delete and lose against each other; both signs and the extremes. */
  private static final List<Long> INODE_POOL = inodePool();
  private static final int MAX_BATCH = 40;
  private static final int MAX_OVERLAP = 15;
  private static final long SEED = 20_250_611L;

  private static PostgresDatabase db;

  @TempDir
  Path dir;
  /** Sites of this test: the store called "one" is the site {@code prefix + "-one"}. */
  private final String prefix = newSite();

  @BeforeAll
  static void connect() {
    db = PostgresDatabase.open(PostgresSettings.defaults(), "pg-store-test");
  }

  @AfterAll
  static void disconnect() {
    db.close();
  }

  @Override
  MetadataStore open(String name) {
    return PostgresMetadataStore.open(db, prefix + "-" + name, StoreSettings.defaults());
  }

  /** Snapshot views hold pooled connections; the tests of this class use the pool one at a time. */
  @Override
  long viewsHeld() {
    return ((HikariDataSource) db.dataSource()).getHikariPoolMXBean().getActiveConnections();
  }

  /** The site of the store under test. */
  private String site() {
    return prefix + "-one";
  }

  @Test
  void everyStoreOfTheSiteReadsAndWritesTheSameTablesAndNoOtherSiteSeesThem() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1"), change(A, 1, 2, 20, Op.SETATTR, INODE, "a2"),
        change(A, 2, 1, 15, Op.MKDIR, 7, "dir")));

    try (PostgresMetadataStore otherNode = PostgresMetadataStore.open(db, site(), StoreSettings.defaults())) {
      assertEquals(store.digest(), otherNode.digest());
      assertEquals(1, otherNode.apply(A, List.of(change(A, 1, 3, 30, Op.UNLINK, INODE, "")), Durability.ASYNC)
          .applied());
    }
    assertEquals(3, store.watermark(A, 1), "a watermark another node advanced");
    assertTrue(store.get(INODE).orElseThrow().tombstone());

    try (PostgresMetadataStore otherSite = PostgresMetadataStore.open(db, newSite(), StoreSettings.defaults())) {
      assertEquals(Optional.empty(), otherSite.get(INODE), "sites sharing the database do not see each other");
      assertEquals(Map.of(), otherSite.watermarks(A));
      assertEquals(0, otherSite.digest().inodes());
    }
  }

  /**
   * The site's own applies commit asynchronously, and the journal's GC drops entries behind the watermarks it reads:
   * so what it reads ({@code durableWatermarks}) is followed by a flush commit whose record comes after every
   * asynchronous commit of the site, another node's too, and which is flushed when it returns.
   */
  @Test
  void durableWatermarksAreFlushedPastEveryAsynchronousCommitOfTheSite() {
    PostgresMetadataStore pg = (PostgresMetadataStore) store;
    store.apply(A, range(A, 1, 1, 5), Durability.ASYNC);
    try (PostgresMetadataStore otherNode = PostgresMetadataStore.open(db, site(), StoreSettings.defaults())) {
      otherNode.apply(A, range(A, 1, 6, 20), Durability.ASYNC);
    }
    String written = db.withConnection(c -> text(c, "SELECT pg_current_wal_insert_lsn()::text"));
    assertEquals(Map.of(1, 20L), store.durableWatermarks(A));
    String flush = pg.flushWal();
    assertEquals("true", db.withConnection(c -> text(c, "SELECT ('" + flush + "'::pg_lsn > '" + written
        + "'::pg_lsn AND pg_current_wal_flush_lsn() >= '" + flush + "'::pg_lsn)::text")),
        "the flush message at " + flush + " comes after the applies (" + written + ") and is flushed");
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  /**
   * A tombstone round reads without the apply lock: with nothing due it ends while another node holds the lock (as
   * a long apply would); with something to remove it waits for the lock, then removes it.
   */
  @Test
  void aTombstoneRoundWaitsForTheAppliesOnlyToRemove() throws Exception {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a"), change(A, 1, 2, 20, Op.UNLINK, INODE, "")));
    long key = PostgresMetadataStore.applyLockKey(site());
    try (Connection holder = db.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, key);
        lock.execute();
      }
      assertEquals(0L, assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> store.collectTombstones(A, Map.of(1, 2L), 15, 100)), "too young: nothing due, the lock not needed");

      CompletableFuture<Long> removing = CompletableFuture.supplyAsync(
          () -> store.collectTombstones(A, Map.of(1, 2L), 21, 100));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!waitingForAdvisoryLock(holder, key)) {
        assertTrue(System.nanoTime() < deadline, "the round never queued for the apply lock");
        assertFalse(removing.isDone(), "removed without the apply lock");
        Thread.sleep(5);
      }
      holder.rollback();
      assertEquals(1L, removing.get(10, TimeUnit.SECONDS));
    }
    assertEquals(Optional.empty(), store.get(INODE));
  }

  /** Whether some session waits for the advisory lock {@code key} (pg_locks splits it into two 32-bit halves). */
  private static boolean waitingForAdvisoryLock(Connection c, long key) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        + " AND NOT granted AND classid::bigint = ? AND objid::bigint = ?")) {
      st.setLong(1, key >>> 32);
      st.setLong(2, key & 0xFFFFFFFFL);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  /** Watermarks are read from the tables here, so unlike the embedded store's they are refused once closed. */
  @Test
  void aClosedStoreAlsoRefusesWatermarkReadsAndLeavesThePoolOpen() {
    store.apply(A, range(A, 1, 1, 3));
    store.close();

    assertThrows(IllegalStateException.class, () -> store.watermark(A, 1));
    assertThrows(IllegalStateException.class, () -> store.watermarks(A));
    try (PostgresMetadataStore reopened = PostgresMetadataStore.open(db, site(), StoreSettings.defaults())) {
      assertEquals(3, reopened.watermark(A, 1));
    }
  }

  /**
   * The same randomized deliveries (interleaved origins, re-deliveries, holes, both durabilities, inode ids of both
   * signs) to both stores: every apply decides alike, and the stores end holding and recording the same.
   */
  @Test
  void decidesAndDigestsExactlyLikeTheRocksDbStore() {
    System.out.println("PostgresMetadataStoreTest seed " + SEED);
    Random random = new Random(SEED);
    Map<String, List<JournalEntry>> journals = new HashMap<>();
    ORIGINS.forEach(origin -> journals.put(origin, history(origin, 600, INODE_POOL, random)));
    List<Delivery> deliveries = deliveries(journals, random);

    try (RocksDbMetadataStore rocks = RocksDbMetadataStore.open(dir.resolve("rocks"), StoreSettings.defaults())) {
      for (Delivery d : deliveries) {
        assertEquals(timeless(rocks.apply(d.origin(), d.entries(), d.durability())),
            timeless(store.apply(d.origin(), d.entries(), d.durability())), "seed " + SEED + ", " + d);
      }

      StoreDigest digest = rocks.digest();
      assertEquals(digest, store.digest(), "seed " + SEED);
      assertEquals(HISTORY_SHARDS, digest.shards().size());
      assertTrue(digest.inodes() > INODE_POOL.size() / 2, "the history touched most inodes");
      List<WriteConflict> conflicts = rocks.conflicts(0, Integer.MAX_VALUE);
      assertTrue(conflicts.size() > 0, "the history has concurrent writes");
      assertEquals(withoutTime(conflicts), withoutTime(store.conflicts(0, Integer.MAX_VALUE)), "seed " + SEED);
      for (String origin : ORIGINS) {
        assertEquals(highestSeqs(journals.get(origin)), store.watermarks(origin));
      }

      JournalEntry divergent = JournalEntry.of(A, 2, store.watermark(A, 2) + 1, 1_000_000, Op.WRITE, 2, 1,
          new byte[] {1});
      store.apply(A, List.of(divergent));
      assertNotEquals(digest.shards().get(2), store.digest().shards().get(2), "the digest sees a change");
      assertEquals(digest.shards().get(1), store.digest().shards().get(1));
    }
  }

  /**
   * Two nodes of one site, each with its own pool, both delivering every entry of two origins in overlapping batches
   * at the same time: each entry takes effect exactly once, whichever node applies it.
   */
  @Test
  void twoNodesOfASiteApplyingTheSameEntriesConcurrentlyApplyEachOnce() throws Exception {
    Random random = new Random(SEED + 1);
    Map<String, List<JournalEntry>> journals = Map.of(A, history(A, 1_500, INODE_POOL, random), B, history(B, 1_500, INODE_POOL, random));
    try (PostgresDatabase secondPool = PostgresDatabase.open(PostgresSettings.defaults(), "pg-store-test-2");
         PostgresMetadataStore secondNode = PostgresMetadataStore.open(secondPool, site(), StoreSettings.defaults());
         RocksDbMetadataStore reference = RocksDbMetadataStore.open(dir.resolve("ref"), StoreSettings.defaults())) {
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService nodes = Executors.newFixedThreadPool(2);
      try {
        Future<List<ApplyResult>> first = nodes.submit(deliverAll(store, journals, SEED + 2, start));
        Future<List<ApplyResult>> second = nodes.submit(deliverAll(secondNode, journals, SEED + 3, start));
        List<ApplyResult> results = new ArrayList<>(first.get(2, TimeUnit.MINUTES));
        results.addAll(second.get(2, TimeUnit.MINUTES));

        assertEquals(List.of(), results.stream().flatMap(r -> r.gaps().stream()).toList());
        assertEquals(3_000, results.stream().mapToInt(ApplyResult::applied).sum(), "every entry applied once");
        assertTrue(results.stream().mapToInt(ApplyResult::skipped).sum() >= 3_000, "and skipped once at least");
      } finally {
        nodes.shutdownNow();
      }

      journals.forEach(reference::apply);
      assertEquals(reference.digest(), store.digest());
      assertEquals(reference.digest(), secondNode.digest());
      for (String origin : journals.keySet()) {
        assertEquals(highestSeqs(journals.get(origin)), store.watermarks(origin));
        assertEquals(reference.watermarks(origin), secondNode.watermarks(origin));
      }
    }
  }

  /** One node's delivery of every entry of every origin: random batches, each starting up to MAX_OVERLAP back. */
  private static Callable<List<ApplyResult>> deliverAll(MetadataStore node, Map<String, List<JournalEntry>> journals,
                                                        long seed, CyclicBarrier start) {
    return () -> {
      Random random = new Random(seed);
      Map<String, Integer> sent = new HashMap<>();
      List<ApplyResult> results = new ArrayList<>();
      start.await(1, TimeUnit.MINUTES);
      List<String> pending = new ArrayList<>(journals.keySet());
      while (!pending.isEmpty()) {
        String origin = pending.get(random.nextInt(pending.size()));
        List<JournalEntry> all = journals.get(origin);
        int done = sent.getOrDefault(origin, 0);
        int from = Math.max(0, done - random.nextInt(MAX_OVERLAP + 1));
        int to = Math.min(all.size(), done + 1 + random.nextInt(MAX_BATCH));
        results.add(node.apply(origin, all.subList(from, to), durability(random)));
        sent.put(origin, to);
        if (to == all.size()) pending.remove(origin);
      }
      return results;
    };
  }

  /**
   * Every entry delivered at least once, origins interleaved at random, with re-deliveries (a batch starting up to
   * MAX_OVERLAP entries back) and holes (a batch missing its first entry, refused for that entry's shard and
   * delivered again later). A batch never starts past the first entry not yet applied, so only holes make gaps.
   */
  private static List<Delivery> deliveries(Map<String, List<JournalEntry>> journals, Random random) {
    List<Delivery> deliveries = new ArrayList<>();
    Map<String, Integer> sent = new HashMap<>();
    List<String> pending = new ArrayList<>(ORIGINS);
    while (!pending.isEmpty()) {
      String origin = pending.get(random.nextInt(pending.size()));
      List<JournalEntry> all = journals.get(origin);
      int done = sent.getOrDefault(origin, 0);
      int to = Math.min(all.size(), done + 1 + random.nextInt(MAX_BATCH));
      boolean hole = random.nextInt(8) == 0 && to - done > 1;
      int from = hole ? done + 1 : Math.max(0, done - random.nextInt(MAX_OVERLAP + 1));
      deliveries.add(new Delivery(origin, all.subList(from, to), durability(random)));
      if (!hole) sent.put(origin, to);
      if (!hole && to == all.size()) pending.remove(origin);
    }
    return deliveries;
  }

  private static List<Long> inodePool() {
    List<Long> ids = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE));
    for (long id = -20; id < 40; id++) {
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  private static Map<Integer, Long> highestSeqs(List<JournalEntry> entries) {
    Map<Integer, Long> highest = new HashMap<>();
    entries.forEach(e -> highest.merge(e.shard(), e.seq(), Math::max));
    return highest;
  }

  private static Durability durability(Random random) {
    return random.nextBoolean() ? Durability.SYNC : Durability.ASYNC;
  }

  /** Conflicts compared without the wall clock of the apply that recorded them. */
  private static List<WriteConflict> withoutTime(List<WriteConflict> conflicts) {
    return timeless(conflicts);
  }

  private static String newSite() {
    return "pgs-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private record Delivery(String origin, List<JournalEntry> entries, Durability durability) {
    @Override
    public String toString() {
      return entries.isEmpty() ? origin + " []" : origin + " " + entries.size() + " entries from shard "
          + entries.get(0).shard() + " seq " + entries.get(0).seq() + " (" + durability + ")";
    }
  }
}
