package io.cfs.repl.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's cache of inode versions: it may forget, never mislead. */
class VersionCacheTest {
  @TempDir
  Path dir;

  @Test
  void aCachedVersionIsReturnedUntilACollidingInodeReplacesIt() {
    VersionCache cache = new VersionCache(1);
    assertThat(cache.get(7)).isNull();
    cache.put(value(7, 100, "site-a", 3));
    assertThat(cache.get(7)).isEqualTo(new ApplyPlan.Held(new Version(100, "site-a"), 3, Seen.NONE, Seen.NONE));
    cache.put(value(8, 200, "site-b", 4)); // one slot: 8 takes it
    assertThat(cache.get(7)).isNull();
    assertThat(cache.get(8)).isEqualTo(new ApplyPlan.Held(new Version(200, "site-b"), 4, Seen.NONE, Seen.NONE));
    cache.clear();
    assertThat(cache.get(8)).isNull();
  }

  @Test
  void aForgottenInodeIsAMissAndAnotherInodeInTheSlotStays() {
    VersionCache cache = new VersionCache(1);
    cache.put(value(7, 100, "site-a", 3));
    cache.forget(8); // not the slot's inode: kept
    assertThat(cache.get(7)).isEqualTo(new ApplyPlan.Held(new Version(100, "site-a"), 3, Seen.NONE, Seen.NONE));
    cache.forget(7);
    assertThat(cache.get(7)).isNull();
  }

  @Test
  void offItCachesNothingAndAnInodeIdEqualToTheEmptyMarkerIsNeverCached() {
    VersionCache off = new VersionCache(0);
    off.put(value(1, 1, "site-a", 1));
    assertThat(off.get(1)).isNull();
    VersionCache cache = new VersionCache(16);
    assertThat(cache.get(Long.MIN_VALUE)).isNull();
    cache.put(value(Long.MIN_VALUE, 1, "site-a", 1));
    assertThat(cache.get(Long.MIN_VALUE)).isNull();
  }

  @Test
  void originsPastTheTableAreReadFromTheStoreInstead() {
    VersionCache cache = new VersionCache(1024);
    for (int i = 0; i < 300; i++) cache.put(value(i, i, "site-" + i, 1));
    assertThat(cache.get(254).version()).isEqualTo(new Version(254, "site-254"));
    assertThat(cache.get(255)).isNull();
    assertThat(cache.get(299)).isNull();
    cache.put(value(254, 500, "site-999", 2)); // an origin past the table: the slot must not keep the old version
    assertThat(cache.get(254)).isNull();
  }

  /** A slot keeps the origin in its seq word's top byte: a seq that needs that byte is read from the store instead. */
  @Test
  void seqsUpToTheirTopByteAreCachedWholeAndLargerOnesNot() {
    VersionCache cache = new VersionCache(16);
    long largest = (1L << 56) - 1;
    cache.put(value(3, 100, "site-a", largest));
    assertThat(cache.get(3)).isEqualTo(new ApplyPlan.Held(new Version(100, "site-a"), largest, Seen.NONE, Seen.NONE));
    cache.put(value(3, 101, "site-a", largest + 1)); // not cacheable: the slot must not keep the old version
    assertThat(cache.get(3)).isNull();
    long ticket = cache.ticket(4);
    cache.install(4, ticket, new ApplyPlan.Held(new Version(5, "site-a"), Long.MAX_VALUE, Seen.NONE, Seen.NONE));
    assertThat(cache.get(4)).isNull();
  }

  /** A value whose site knows more of its inode than its own write is not cached: its knowledge is in the store. */
  @Test
  void aValueWithKnowledgeBeyondItselfIsReadFromTheStore() {
    VersionCache cache = new VersionCache(16);
    cache.put(value(5, 10, "site-a", 1));
    StoredValue known = new StoredValue(5, 0, new Version(20, "site-a"), Op.WRITE, false, 1, new byte[0], 2,
        Seen.NONE, Seen.of("site-b", 9));
    cache.put(known);
    assertThat(cache.get(5)).isNull();
    // nor one whose writer had seen more (the cache answers "nothing seen" for what it holds)
    cache.put(value(5, 10, "site-a", 1));
    cache.put(new StoredValue(5, 0, new Version(30, "site-a"), Op.WRITE, false, 1, new byte[0], 3,
        Seen.of("site-b", 4), Seen.NONE));
    assertThat(cache.get(5)).isNull();
  }

  /**
   * Readers on other threads, without the writer's lock, never see a slot half written: every hit they get is one
   * the writer put (here hlc = 10 x seq, one origin per parity of seq), and per reader it never goes backwards.
   */
  @Test
  void readersOnOtherThreadsSeeWholeSlotsOnly() throws Exception {
    VersionCache cache = new VersionCache(4);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> readers = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> torn = new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int r = 0; r < 2; r++) {
      Thread reader = new Thread(() -> {
        long last = 0;
        while (!done.get()) {
          for (long inode = 1; inode <= 8; inode++) {
            ApplyPlan.Held held = cache.get(inode);
            if (held == null) continue;
            hits.incrementAndGet();
            long seq = held.seq();
            String site = seq % 2 == 0 ? "site-even" : "site-odd";
            if (held.version().hlc() != 10 * seq || !held.version().originSite().equals(site)
                || seq % 8 != inode % 8) {
              torn.add(inode + " -> " + held);
            }
            if (inode == 1 && seq < last) torn.add("went back: " + last + " then " + seq);
            if (inode == 1) last = seq;
          }
        }
      });
      readers.add(reader);
      reader.start();
    }
    for (long seq = 1; seq <= 2_000_000; seq++) {
      long inode = seq % 8 == 0 ? 8 : seq % 8;
      cache.put(value(inode, 10 * seq, seq % 2 == 0 ? "site-even" : "site-odd", seq));
    }
    done.set(true);
    for (Thread reader : readers) reader.join();
    assertThat(torn).isEmpty();
    assertThat(hits.get()).isPositive();
  }

  @Test
  void aCrowdedCacheGrowsUpToItsMaximumKeepingWhatItHeldAndOneThatFitsStaysSmall() {
    VersionCache growing = new VersionCache(4, 64);
    for (long seq = 1; seq <= 2_000; seq++) growing.put(value(seq % 500, 10 * seq, "site-a", seq));
    assertThat(growing.slots()).isEqualTo(64); // 500 inodes: crowded at every size up to the maximum
    int answered = 0;
    for (long inode = 0; inode < 500; inode++) {
      ApplyPlan.Held held = growing.get(inode);
      if (held == null) continue;
      answered++;
      long last = 1_500 + (inode == 0 ? 500 : inode); // the last seq put for this inode
      assertThat(held.seq()).isEqualTo(last);
      assertThat(held.version()).isEqualTo(new Version(10 * last, "site-a"));
    }
    assertThat(answered).isPositive();

    VersionCache roomy = new VersionCache(64, 1 << 20);
    for (long seq = 1; seq <= 10_000; seq++) roomy.put(value(1 + seq % 8, seq, "site-a", seq));
    assertThat(roomy.slots()).isEqualTo(64); // eight inodes in 64 slots never replace each other

    VersionCache fixed = new VersionCache(4);
    for (long seq = 1; seq <= 2_000; seq++) fixed.put(value(seq % 500, 10 * seq, "site-a", seq));
    assertThat(fixed.slots()).isEqualTo(4);
  }

  /**
   * A new store's cache under writes spread over more inodes than it has slots reaches its maximum within a few
   * weighings, not a doubling per 65,536 puts: what it evicts while too small misses when next written.
   */
  @Test
  void aCacheOverALargeWorkingSetReachesItsMaximumWithinAFewWeighings() {
    VersionCache cache = new VersionCache(VersionCache.INITIAL_SLOTS, 1 << 20);
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (long seq = 1; seq <= 100_000; seq++) cache.put(value(1 + random.nextLong(250_000), seq, "site-a", seq));
    assertThat(cache.slots()).isEqualTo(1 << 20);
  }

  @Test
  void installsThatReplaceOtherInodesCountTowardsGrowing() {
    VersionCache cache = new VersionCache(4, 64);
    cache.put(value(1, 1, "site-a", 1)); // site-a in the origin table
    ApplyPlan.Held read = new ApplyPlan.Held(new Version(100, "site-a"), 3, Seen.NONE, Seen.NONE);
    for (long inode = 2; inode < 2_000; inode++) {
      cache.install(inode, cache.ticket(inode), read); // what the stamper read: each replaces another inode
      cache.put(value(inode, 200, "site-a", 4)); // what the apply wrote: the same inode, so replacing none
    }
    assertThat(cache.slots()).isEqualTo(64);
  }

  @Test
  void aReadBegunBeforeTheCacheGrewIsNotInstalledAfter() {
    // in two slots 9 and 12 share one and 7 has the other, whose stamp is then that of every slot of a new table
    VersionCache cache = new VersionCache(2, 4);
    cache.put(value(9, 1, "site-a", 1)); // site-a in the origin table; an empty slot taken: no growth
    ApplyPlan.Held read = new ApplyPlan.Held(new Version(100, "site-a"), 3, Seen.NONE, Seen.NONE);
    long before = cache.ticket(7);
    cache.put(value(12, 2, "site-a", 2)); // replaces 9: one put in two, crowded, so it grows
    assertThat(cache.slots()).isEqualTo(4);
    assertThat(cache.get(12).version()).isEqualTo(new Version(2, "site-a")); // copied into the grown table
    cache.install(7, before, read);
    assertThat(cache.get(7)).isNull();
    cache.install(7, cache.ticket(7), read);
    assertThat(cache.get(7)).isEqualTo(read);
  }

  /**
   * The stamper's pattern against the apply's while the cache grows from one slot: a "store" of the latest seq per
   * inode, written before each put is recorded, and a thread that takes a ticket, reads the store and installs what it
   * read. After every put the writer looks one inode up: an answer older than what the store holds (every write of it
   * recorded by then) would be an install of a stale read that outlived a recorded write, in any table.
   */
  @Test
  void installsRacingWritesAndGrowthsNeverLeaveAnOlderAnswer() throws Exception {
    int inodes = 64;
    VersionCache cache = new VersionCache(1, 64);
    java.util.concurrent.atomic.AtomicLongArray store = new java.util.concurrent.atomic.AtomicLongArray(inodes);
    cache.put(value(0, 10, "site-a", 1)); // site-a in the origin table
    store.set(0, 1);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong installed = new java.util.concurrent.atomic.AtomicLong();
    Thread stamper = new Thread(() -> {
      Random random = new Random(3);
      while (!done.get()) {
        int inode = random.nextInt(inodes);
        long ticket = cache.ticket(inode);
        long seq = store.get(inode);
        cache.install(inode, ticket, seq == 0 ? null
            : new ApplyPlan.Held(new Version(10 * seq, "site-a"), seq, Seen.NONE, Seen.NONE));
        installed.incrementAndGet();
      }
    });
    stamper.start();
    Random random = new Random(4);
    List<String> stale = new java.util.ArrayList<>();
    for (long seq = 2; seq <= 1_000_000 && stale.isEmpty(); seq++) {
      int inode = random.nextInt(inodes);
      store.set(inode, seq); // the write reaches the store, then is recorded
      cache.put(value(inode, 10 * seq, "site-a", seq));
      int look = random.nextInt(inodes);
      ApplyPlan.Held held = cache.get(look);
      long stored = store.get(look);
      if (held == VersionCache.ABSENT ? stored != 0 : held != null && held.seq() != stored) {
        stale.add("inode " + look + " answered " + held + " with " + stored + " stored");
      }
    }
    done.set(true);
    stamper.join();
    assertThat(stale).isEmpty();
    assertThat(installed.get()).isPositive();
    assertThat(cache.slots()).isEqualTo(64); // grown six times under the installs
  }

  /** As {@link #readersOnOtherThreadsSeeWholeSlotsOnly}, while the cache grows under them. */
  @Test
  void readersSeeWholeSlotsAndNoOlderAnswerWhileTheCacheGrows() throws Exception {
    VersionCache cache = new VersionCache(2, 1 << 12);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ConcurrentLinkedQueue<String> torn = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();
    Thread reader = new Thread(() -> {
      long[] last = new long[5_000];
      while (!done.get()) {
        for (int inode = 0; inode < last.length; inode += 7) {
          ApplyPlan.Held held = cache.get(inode);
          if (held == null) continue;
          hits.incrementAndGet();
          long seq = held.seq();
          if (held.version().hlc() != 10 * seq || seq % last.length != inode) torn.add(inode + " -> " + held);
          if (seq < last[inode]) torn.add(inode + " went back from " + last[inode] + " to " + seq);
          last[inode] = seq;
        }
      }
    });
    reader.start();
    for (long seq = 1; seq <= 1_000_000; seq++) cache.put(value(seq % 5_000, 10 * seq, "site-a", seq));
    done.set(true);
    reader.join();
    assertThat(torn).isEmpty();
    assertThat(hits.get()).isPositive();
    assertThat(cache.slots()).isEqualTo(1 << 12);
  }

  @Test
  void whatAReadFoundIsInstalledOnlyIfNoWriteOfTheSlotCameBetweenTicketAndInstall() {
    VersionCache cache = new VersionCache(1);
    cache.put(value(9, 1, "site-a", 1)); // site-a in the origin table
    ApplyPlan.Held read = new ApplyPlan.Held(new Version(100, "site-a"), 3, Seen.NONE, Seen.NONE);
    cache.install(7, cache.ticket(7), read);
    assertThat(cache.get(7)).isEqualTo(read);
    cache.install(8, cache.ticket(8), null);
    assertThat(cache.get(8)).isSameAs(VersionCache.ABSENT);
    assertThat(cache.get(7)).isNull(); // one slot: 8 took it

    long ticket = cache.ticket(7);
    cache.put(value(7, 200, "site-a", 4)); // recorded after the read began: the read may be older
    cache.install(7, ticket, read);
    assertThat(cache.get(7).version()).isEqualTo(new Version(200, "site-a"));

    // each write moves the slot's stamp on, whatever inode the slot holds
    for (Runnable write : List.<Runnable>of(() -> cache.forget(5),
        () -> cache.put(new StoredValue(5, 0, new Version(20, "site-a"), Op.WRITE, false, 1, new byte[0], 2,
            Seen.NONE, Seen.of("site-b", 9))))) {
      cache.put(value(7, 300, "site-a", 5));
      long stale = cache.ticket(5);
      write.run();
      cache.install(5, stale, null);
      assertThat(cache.get(5)).isNull();
    }
    // and clear, also of a slot that holds nothing
    cache.forget(7);
    long stale = cache.ticket(5);
    cache.clear();
    cache.install(5, stale, null);
    assertThat(cache.get(5)).isNull();
  }

  @Test
  void aReadOfAValueNotCacheableOrOfAnOriginNotInTheTableIsNotInstalled() {
    VersionCache cache = new VersionCache(16);
    cache.put(value(1, 1, "site-a", 1));
    cache.install(5, cache.ticket(5), new ApplyPlan.Held(new Version(20, "site-a"), 2, Seen.NONE, Seen.of("site-b", 9)));
    assertThat(cache.get(5)).isNull();
    cache.install(5, cache.ticket(5), new ApplyPlan.Held(new Version(20, "site-z"), 2, Seen.NONE, Seen.NONE));
    assertThat(cache.get(5)).isNull();
    VersionCache off = new VersionCache(0);
    off.install(5, off.ticket(5), null);
    assertThat(off.get(5)).isNull();
  }

  /**
   * A writer stores each version of an inode and then records it, as an apply does, and now and then removes it (a
   * collected tombstone: the store holds nothing, and the writer forgets it); installers on other threads take a
   * ticket, read the store and install, as the stamper does. Once a change is recorded, the cache answers it or nothing
   * until the next one is stored: never an older version, never "absent" for an inode the store holds, never a version
   * for one it does not.
   */
  @Test
  void installsRacingWritesNeverLeaveAnOlderAnswer() throws Exception {
    VersionCache cache = new VersionCache(1);
    cache.put(value(2, 1, "site-a", 1)); // site-a in the origin table; inode 1 starts absent
    java.util.concurrent.atomic.AtomicLong store = new java.util.concurrent.atomic.AtomicLong(); // 0: absent
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong installs = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> installers = new java.util.ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread installer = new Thread(() -> {
        while (!done.get()) {
          long ticket = cache.ticket(1);
          long seq = store.get();
          cache.install(1, ticket, seq == 0 ? null
              : new ApplyPlan.Held(new Version(10 * seq, "site-a"), seq, Seen.NONE, Seen.NONE));
          installs.incrementAndGet();
        }
      });
      installers.add(installer);
      installer.start();
    }
    List<String> wrong = new java.util.ArrayList<>();
    for (long seq = 1; seq <= 300_000; seq++) {
      store.set(seq);
      cache.put(value(1, 10 * seq, "site-a", seq));
      ApplyPlan.Held answer = cache.get(1);
      if (answer != null && answer.seq() != seq) wrong.add("after " + seq + ": " + answer);
      if (seq % 3 == 0) cache.put(value(5, 1, "site-a", 1)); // a colliding inode takes the slot now and then
      if (seq % 7 == 0) {
        store.set(0);
        cache.forget(1);
        ApplyPlan.Held gone = cache.get(1);
        if (gone != null && gone != VersionCache.ABSENT) wrong.add("after removing " + seq + ": " + gone);
      }
    }
    done.set(true);
    for (Thread installer : installers) installer.join();
    assertThat(wrong).isEmpty();
    assertThat(installs.get()).isPositive();
  }

  private static StoredValue value(long inode, long hlc, String site, long seq) {
    return new StoredValue(inode, 0, new Version(hlc, site), Op.WRITE, false, 1, new byte[0], seq, Seen.NONE,
        Seen.NONE);
  }

  /**
   * Three origins overwrite, delete and lose against each other on a few hundred inodes; a store whose cache of 4
   * slots collides all the time, reopened half-way (its cache then empty), decides exactly as one without a cache.
   * Before each batch both are asked what they know of its inodes, as the journal's stamper asks, which fills the
   * cache with what it reads (absent inodes included): the answers are the same too.
   */
  @Test
  void lastWriteWinsDecidesTheSameWithACollidingCacheAsWithoutOne() {
    Random random = new Random(11);
    List<Long> inodes = LongStream.rangeClosed(1, 300).boxed().toList();
    List<List<JournalEntry>> histories = List.of(
        MetadataStoreContract.history("site-a", 3_000, inodes, random),
        MetadataStoreContract.history("site-b", 3_000, inodes, random),
        MetadataStoreContract.history("site-c", 3_000, inodes, random));
    StoreSettings defaults = StoreSettings.defaults();
    StoreSettings uncached = new StoreSettings(defaults.sync(), defaults.rocksdb(), 0);
    StoreSettings colliding = new StoreSettings(defaults.sync(), defaults.rocksdb(), 4);
    RocksDbMetadataStore reference = RocksDbMetadataStore.open(dir.resolve("reference"), uncached);
    RocksDbMetadataStore cached = RocksDbMetadataStore.open(dir.resolve("cached"), colliding);
    try {
      int[] sent = new int[3];
      boolean more = true;
      boolean reopened = false;
      while (more) {
        more = false;
        for (int o = 0; o < 3; o++) {
          List<JournalEntry> all = histories.get(o);
          int to = Math.min(all.size(), sent[o] + 1 + random.nextInt(60));
          if (sent[o] >= to) continue;
          List<JournalEntry> batch = all.subList(sent[o], to);
          String origin = batch.get(0).originSite();
          List<Long> asked = batch.stream().map(JournalEntry::inodeId).toList();
          assertThat(cached.knowledge(asked)).isEqualTo(reference.knowledge(asked));
          assertThat(MetadataStoreContract.timeless(cached.apply(origin, batch)))
              .isEqualTo(MetadataStoreContract.timeless(reference.apply(origin, batch)));
          sent[o] = to;
          more = true;
        }
        if (!reopened && sent[0] > 1_500) {
          cached.close();
          cached = RocksDbMetadataStore.open(dir.resolve("cached"), colliding);
          reopened = true;
        }
      }
      assertThat(cached.digest()).isEqualTo(reference.digest());
      assertThat(decisions(cached)).isEqualTo(decisions(reference)).isNotEmpty();
    } finally {
      cached.close();
      reference.close();
    }
  }

  /**
   * An initial table past the heap (the tests' JVM has 1 GiB; this one would take 8 GiB) starts at the usual size and
   * does not try to grow: the store it serves still opens.
   */
  @Test
  void anInitialTableThatFindsNoHeapStartsSmallAndStaysThere() {
    VersionCache cache = new VersionCache(VersionCache.MAX_SLOTS, VersionCache.MAX_SLOTS);
    assertThat(cache.slots()).isEqualTo(VersionCache.INITIAL_SLOTS);
    for (long inode = 0; inode < 4L * VersionCache.INITIAL_SLOTS; inode++) {
      cache.put(inode, new ApplyPlan.Held(new Version(inode, "site-a"), inode + 1, Seen.NONE, Seen.NONE));
    }
    assertThat(cache.slots()).isEqualTo(VersionCache.INITIAL_SLOTS);
  }

  private static List<String> decisions(MetadataStore store) {
    return store.conflicts(0, Integer.MAX_VALUE).stream()
        .map(c -> c.inodeId() + " " + c.loser() + " lost to " + c.winner() + " concurrent " + c.concurrent())
        .collect(Collectors.toList());
  }
}
