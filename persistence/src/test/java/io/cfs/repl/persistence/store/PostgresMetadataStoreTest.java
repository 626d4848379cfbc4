package io.cfs.repl.persistence.store;

import static io.cfs.repl.model.entry.TestEntries.change;
import static io.cfs.repl.model.entry.TestEntries.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PostgresMetadataStore} on a real database, checked against the invariants of {@link MetadataStore} and
 * against {@link RocksDbMetadataStore} fed the same batches. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth and a
 * database "test" ({@code .ci/run} starts it). Every test uses its own site id, because the tables outlive the runs.
 */
@Tag("postgres")
class PostgresMetadataStoreTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final List<String> ORIGINS = List.of(A, B, "site-c");
  private static final long INODE = 42;
  private static final int SHARDS = 4;
  /** Shared inodes, so that origins overwrite, delete and lose against each other; both signs and the extremes. */
  private static final List<Long> INODE_POOL = inodePool();
  private static final int MAX_BATCH = 40;
  private static final int MAX_OVERLAP = 15;
  private static final long SEED = 20_250_611L;

  private static PostgresDatabase db;

  @TempDir
  Path dir;
  private String site;
  private PostgresMetadataStore store;

  @BeforeAll
  static void connect() {
    db = PostgresDatabase.open(PostgresSettings.defaults(), "pg-store-test");
  }

  @AfterAll
  static void disconnect() {
    db.close();
  }

  @BeforeEach
  void open() {
    site = newSite();
    store = PostgresMetadataStore.open(db, site, StoreSettings.defaults());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void appliedValuesAndWatermarksAreReadFromTheTablesByEveryStoreOfTheSite() {
    ApplyResult result = store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1"),
        change(A, 1, 2, 20, Op.SETATTR, INODE, "a2"), change(A, 2, 1, 15, Op.MKDIR, 7, "dir")));

    assertEquals(new ApplyResult(3, 0, 0, Map.of(1, 2L, 2, 1L), List.of()), result);
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(new Version(20, A), held.version());
    assertEquals(Op.SETATTR, held.op());
    assertEquals(1, held.shard());
    assertEquals("a2", new String(held.payload(), StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), store.get(INODE + 1));
    assertEquals(2, store.watermark(A, 1));
    assertEquals(0, store.watermark(A, 3));
    assertEquals(0, store.watermark(B, 1));
    assertEquals(Map.of(1, 2L, 2, 1L), store.watermarks(A));
    assertEquals(Map.of(), store.watermarks(B));

    try (PostgresMetadataStore otherNode = PostgresMetadataStore.open(db, site, StoreSettings.defaults())) {
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

  @Test
  void reapplyingABatchChangesNothing() {
    List<JournalEntry> batch = new ArrayList<>(range(A, 1, 1, 50));
    batch.addAll(range(A, 2, 1, 50));
    batch.add(change(A, 3, 1, 10, Op.CREATE, INODE, "a"));
    store.apply(B, List.of(change(B, 3, 1, 20, Op.WRITE, INODE, "b")));
    assertEquals(101, store.apply(A, batch).applied());
    StoreDigest digest = store.digest();
    List<LwwLoser> losers = store.losers(Integer.MAX_VALUE);

    ApplyResult again = store.apply(A, batch);

    assertEquals(new ApplyResult(0, 101, 0, Map.of(1, 50L, 2, 50L, 3, 1L), List.of()), again);
    assertEquals(digest, store.digest());
    assertEquals(101, digest.inodes());
    assertEquals(1, losers.size());
    assertEquals(losers, store.losers(Integer.MAX_VALUE), "no loser recorded twice");
  }

  @Test
  void aGapRefusesOnlyItsShard() {
    StoreScenarios.aGapRefusesOnlyItsShard(store, A);
  }

  @Test
  void lastWriterWinsAcrossOriginsAndATombstoneIsNotResurrected() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a")));
    ApplyResult newer = store.apply(B, List.of(change(B, 1, 1, 20, Op.WRITE, INODE, "b")));
    store.apply(A, List.of(change(A, 1, 2, 40, Op.UNLINK, INODE, "")));
    ApplyResult stale = store.apply(B, List.of(change(B, 1, 2, 30, Op.WRITE, INODE, "stale")));

    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()), newer);
    assertEquals(new ApplyResult(1, 0, 1, Map.of(1, 2L), List.of()), stale, "a losing entry still advances");
    StoredValue held = store.get(INODE).orElseThrow();
    assertTrue(held.tombstone());
    assertEquals(Op.UNLINK, held.op());
    assertEquals(new Version(40, A), held.version());
    List<LwwLoser> losers = store.losers(10);
    assertEquals(List.of(new Version(10, A), new Version(20, B), new Version(30, B)),
        losers.stream().map(LwwLoser::loser).toList(), "replaced values and the stale entry, in recording order");
    assertEquals(List.of(new Version(20, B), new Version(40, A), new Version(40, A)),
        losers.stream().map(LwwLoser::winner).toList());
    assertEquals(INODE, losers.get(2).inodeId());
    assertEquals(1, losers.get(2).shard());
    assertEquals(List.of(losers.get(0)), store.losers(1));
    assertEquals(List.of(), store.losers(0));
  }

  @Test
  void aBatchMustComeFromTheOriginItNames() {
    List<JournalEntry> mixed = List.of(change(A, 1, 1, 10, Op.CREATE, 1, "a"), change(B, 1, 1, 10, Op.CREATE, 2, "b"));
    assertThrows(IllegalArgumentException.class, () -> store.apply(A, mixed));
    assertThrows(IllegalArgumentException.class, () -> store.apply(" ", List.of()));
    assertThrows(IllegalArgumentException.class, () -> store.losers(-1));
    assertEquals(0, store.digest().inodes());
    assertEquals(Map.of(), store.watermarks(A));
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
    ORIGINS.forEach(origin -> journals.put(origin, journal(origin, 600, random)));
    List<Delivery> deliveries = deliveries(journals, random);

    try (RocksDbMetadataStore rocks = RocksDbMetadataStore.open(dir.resolve("rocks"), StoreSettings.defaults())) {
      for (Delivery d : deliveries) {
        assertEquals(rocks.apply(d.origin(), d.entries(), d.durability()),
            store.apply(d.origin(), d.entries(), d.durability()), "seed " + SEED + ", " + d);
      }

      StoreDigest digest = rocks.digest();
      assertEquals(digest, store.digest(), "seed " + SEED);
      assertEquals(SHARDS, digest.shards().size());
      assertTrue(digest.inodes() > INODE_POOL.size() / 2, "the history touched most inodes");
      List<LwwLoser> losers = rocks.losers(Integer.MAX_VALUE);
      assertTrue(losers.size() > 0, "the history has concurrent writes");
      assertEquals(withoutTime(losers), withoutTime(store.losers(Integer.MAX_VALUE)), "seed " + SEED);
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
    Map<String, List<JournalEntry>> journals = Map.of(A, journal(A, 1_500, random), B, journal(B, 1_500, random));
    try (PostgresDatabase secondPool = PostgresDatabase.open(PostgresSettings.defaults(), "pg-store-test-2");
         PostgresMetadataStore secondNode = PostgresMetadataStore.open(secondPool, site, StoreSettings.defaults());
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

  @Test
  void aClosedStoreRefusesEveryCallAndLeavesThePoolOpen() {
    store.apply(A, range(A, 1, 1, 3));
    store.close();
    store.close();

    assertThrows(IllegalStateException.class, () -> store.apply(A, range(A, 1, 4, 4)));
    assertThrows(IllegalStateException.class, () -> store.get(INODE));
    assertThrows(IllegalStateException.class, () -> store.watermark(A, 1));
    assertThrows(IllegalStateException.class, () -> store.watermarks(A));
    assertThrows(IllegalStateException.class, () -> store.digest());
    assertThrows(IllegalStateException.class, () -> store.losers(1));
    try (PostgresMetadataStore reopened = PostgresMetadataStore.open(db, site, StoreSettings.defaults())) {
      assertEquals(3, reopened.watermark(A, 1));
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

  /** {@code count} entries of one origin over the shared inodes, each inode in shard id mod SHARDS, random hlcs. */
  private static List<JournalEntry> journal(String origin, int count, Random random) {
    List<JournalEntry> entries = new ArrayList<>();
    long[] seqs = new long[SHARDS];
    for (int i = 0; i < count; i++) {
      long inode = INODE_POOL.get(random.nextInt(INODE_POOL.size()));
      int shard = (int) Math.floorMod(inode, (long) SHARDS);
      Op op = random.nextInt(10) == 0 ? Op.UNLINK : Op.WRITE;
      byte[] payload = new byte[random.nextInt(30)];
      random.nextBytes(payload);
      entries.add(JournalEntry.of(origin, shard, ++seqs[shard], random.nextInt(5_000), op, inode, 1, payload));
    }
    return entries;
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

  /** Loser records compared without the wall clock of the apply that recorded them. */
  private static List<LwwLoser> withoutTime(List<LwwLoser> losers) {
    return losers.stream().map(l -> new LwwLoser(l.inodeId(), l.shard(), l.loser(), l.winner(), 0)).toList();
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
