package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of recently applied inodes, so that last-write-wins need not read the store before every write: the
 * apply's multi-get was as costly as its write. Direct-mapped and lossy (a colliding inode replaces the slot's), fixed
 * in size: 32 bytes per slot whatever the store holds. A miss reads the store. A slot's four words (stamp, inode,
 * hlc, seq with the origin's index in its top byte) sit side by side in one array, so that a lookup touches one or
 * two cache lines: as five arrays, a lookup of a cold slot missed the cache five times, and a profile of the peer's
 * apply at 10K/s put 15 % of its samples in it. It holds only values whose site
 * knows nothing of the inode beyond their own write (the common case: an inode one site writes); any other reads the
 * store, where its knowledge is. A slot may also say that the store holds no value for an inode ({@link #ABSENT}).
 *
 * <p>Only one writer per store may use it, and it must record every write it makes: the embedded store, whose applies
 * run one at a time in one process. A store that other processes also write (PostgreSQL) must not.
 *
 * <p>Writes ({@link #put}, {@link #forget}, {@link #clear}) come from one thread at a time: callers hold the store's
 * apply lock. Each of them moves the stamp of the inode's slot on, whatever the slot held. Reads may come from any
 * thread at any time (the journal asks what the site knows of each inode it takes, without the apply lock): each slot
 * is a seqlock, its stamp odd while a write is under way, and a read that saw the stamp odd or changed is a miss. A
 * read racing a write may see the slot as it was just before: an earlier state of the store, which is as good as a
 * read of the store a moment earlier.
 *
 * <p>A thread without the apply lock may also fill a slot with what it read from the store ({@link #ticket} before
 * the read, {@link #install} after): the install takes the slot only if its stamp has not moved since the ticket, that
 * is if no write of that inode (nor of any other in the slot) was recorded meanwhile. A write the read missed is
 * recorded after it reached the store, so either it moved the stamp before the install (which then fails) or it
 * overwrites the installed answer. The journal's stamper reads every inode the local apply will write a moment later,
 * so that apply finds them here instead of reading the store a second time.
 *
 * <p>It sizes itself: it starts small and doubles, up to its maximum, while more than one put or install in eight
 * replaces another inode (a working set larger than about a quarter of the slots: a hit needs the inode's last write
 * to have stayed in its slot, so a cache about the size of a uniformly written working set misses most of it). A
 * miss of an inode the store holds is the apply's costliest read (index and data blocks): measured flat out over 1M
 * inodes, 4M slots against 1M took the peer's apply from 6.0 to 4.1 us per entry. The writer grows it, copying every
 * slot it can read whole into a table twice the size, then publishing that; a reader still on the old table gets an
 * answer from a moment earlier, as when it races a write. A ticket names its table, so a read begun on the old one
 * reaches the new one only through the copy, which the writer makes before it records any later write: that write
 * then overwrites it, as the argument above requires. A growth that finds no heap leaves the cache as it is (logged).
 */
final class VersionCache {
  private static final Logger log = LoggerFactory.getLogger(VersionCache.class);
  private static final long EMPTY = Long.MIN_VALUE;
  /** Origins are kept as an index into this table; an origin past its size is not cached. */
  private static final int MAX_ORIGINS = 255;
  /** The origin index of a slot that says the store holds no value for its inode. */
  private static final int ABSENT_ORIGIN = MAX_ORIGINS;
  /** What {@link #get} answers for an inode the store holds no value for; compared by identity. */
  static final ApplyPlan.Held ABSENT = new ApplyPlan.Held(new Version(0, ""), 0, Seen.NONE, Seen.NONE);
  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
  /** Words per slot, and each word's offset in it. */
  private static final int SLOT_WORDS = 4;
  private static final int STAMP = 0;
  private static final int INODE = 1;
  private static final int HLC = 2;
  private static final int SEQ_AND_ORIGIN = 3;
  /** The origin's index takes the seq word's top byte: a larger seq is not cached. */
  private static final int ORIGIN_SHIFT = 56;
  private static final long SEQ_MASK = (1L << ORIGIN_SHIFT) - 1;
  /** The most slots one array of four words per slot can hold. */
  static final int MAX_SLOTS = 1 << 28;
  /** The slots a growing cache starts with (2 MiB). */
  static final int INITIAL_SLOTS = 1 << 16;
  /**
   * Puts between two weighings of the table's size (or as many as it has slots, if fewer): enough for the share that
   * replaced another inode to be a fair estimate (within about 1 %), few enough that a new store's cache reaches the
   * size its working set needs before it has evicted most of it. At 65,536 a cache over 1M inodes written at random
   * reached its 4M slots only after about 400,000 puts, and the inodes it had evicted on the way missed when next
   * written: 15 % of the writes of the next million read the store for a value it held, against 7.6 % with 16,384
   * (8 % at 4M slots from the start; a simulation of the cache, in docs/benchmarks.md).
   */
  private static final int WEIGHED_PUTS = 1 << 14;
  /** A ticket's table generation sits above its stamp (a slot's stamp moves by 2 per write: never near 2^48). */
  private static final int GENERATION_SHIFT = 48;
  private static final long STAMP_MASK = (1L << GENERATION_SHIFT) - 1;

  /** One table of slots; replaced whole when the cache grows. */
  private static final class Table {
    final long[] words;
    final int mask;
    final int generation;

    Table(int slots, int generation) {
      this.words = new long[slots * SLOT_WORDS];
      this.mask = slots - 1;
      this.generation = generation;
      for (int at = 0; at < words.length; at += SLOT_WORDS) words[at + INODE] = EMPTY;
    }

    int slots() {
      return mask + 1;
    }

    /** The index of the first word of {@code inodeId}'s slot. */
    int slot(long inodeId) {
      long h = inodeId * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive ids spread over the slots
      return ((int) (h >>> 32) & mask) * SLOT_WORDS;
    }
  }

  private volatile Table table;
  private final int maxSlots;
  /**
   * Since the table's size was last weighed: puts and installs, and those that replaced another inode. Both count: on
   * the origin the journal's stamper installs what the local apply then finds, so its puts seldom replace anything.
   * Puts are the writer's only; installs come from other threads.
   */
  private long puts;
  private long evictions;
  private final AtomicLong installs = new AtomicLong();
  private final AtomicLong installEvictions = new AtomicLong();
  /** Set once a growth found no heap for a larger table: the cache stays as it is. */
  private boolean full;
  /** Replaced, never changed in place, so a reader sees a whole table. */
  private volatile String[] originNames = new String[0];

  /** A cache of {@code slots} slots that never grows: rounded down to a power of two (at most 2^28); 0: off. */
  VersionCache(int slots) {
    this(slots, slots);
  }

  /**
   * A cache of {@code initialSlots} that grows, as its writes call for it, up to {@code maxSlots}; both rounded down
   * to a power of two (at most 2^28). A maximum of 0 turns the cache off. An initial table larger than
   * {@link #INITIAL_SLOTS} that finds no heap (a maximum set past the heap) starts at that size instead, as a growth
   * that finds none stops: a store must not fail to open for want of a larger cache.
   */
  VersionCache(int initialSlots, int maxSlots) {
    this.maxSlots = powerOfTwo(maxSlots);
    int slots = Math.min(powerOfTwo(Math.max(1, initialSlots)), this.maxSlots);
    Table first;
    try {
      first = new Table(slots, 0);
    } catch (OutOfMemoryError e) {
      if (slots <= INITIAL_SLOTS) throw e;
      log.warn("Inode version cache starts at {} slots: no heap for {} (version-cache-slots allows {})",
          INITIAL_SLOTS, slots, this.maxSlots);
      first = new Table(INITIAL_SLOTS, 0);
      full = true;
    }
    this.table = first;
  }

  private static int powerOfTwo(int slots) {
    return slots <= 0 ? 0 : Integer.highestOneBit(Math.min(slots, MAX_SLOTS));
  }

  /** Slots of the table now in use. */
  int slots() {
    return table.slots();
  }

  /**
   * What is held for {@code inodeId}: {@link #ABSENT} if the store holds no value for it, null if not cached (the store
   * may or may not hold a value).
   */
  ApplyPlan.Held get(long inodeId) {
    Table t = table;
    long[] words = t.words;
    if (words.length == 0 || inodeId == EMPTY) return null;
    int at = t.slot(inodeId);
    long before = (long) WORDS.getAcquire(words, at + STAMP);
    if ((before & 1) != 0) return null;
    long inode = words[at + INODE];
    long hlc = words[at + HLC];
    long seqAndOrigin = words[at + SEQ_AND_ORIGIN];
    VarHandle.loadLoadFence();
    if ((long) WORDS.getOpaque(words, at + STAMP) != before || inode != inodeId) return null;
    long seq = seqAndOrigin & SEQ_MASK;
    int origin = (int) (seqAndOrigin >>> ORIGIN_SHIFT);
    if (origin == ABSENT_ORIGIN) return ABSENT;
    String[] names = originNames;
    if (origin >= names.length) return null;
    // a cached value knows nothing beyond its own write, so its writer had seen nothing beyond it either
    return new ApplyPlan.Held(new Version(hlc, names[origin]), seq, Seen.NONE, Seen.NONE);
  }

  /** Records what the store now holds for the value's inode. */
  void put(StoredValue value) {
    put(value.inodeId(), value.version(), value.seq(), value.seen(), value.knowledge());
  }

  /** Records what the store holds for {@code inodeId}, read under the apply lock (no write can be racing it). */
  void put(long inodeId, ApplyPlan.Held held) {
    put(inodeId, held.version(), held.seq(), held.seen(), held.knowledge());
  }

  private void put(long inodeId, Version version, long seq, Seen seen, Seen knowledge) {
    Table t = table;
    if (t.words.length == 0 || inodeId == EMPTY) return;
    String[] names = originNames;
    int origin = indexOf(names, version.originSite());
    if (!knowledge.isEmpty() || !seen.isEmpty() || (seq & ~SEQ_MASK) != 0
        || (origin < 0 && names.length >= MAX_ORIGINS)) {
      // not cacheable: the slot must not go on answering with what this inode held before
      forget(inodeId);
      return;
    }
    if (origin < 0) {
      origin = names.length;
      String[] grown = Arrays.copyOf(names, origin + 1);
      grown[origin] = version.originSite();
      originNames = grown; // writers only: no other thread grows it
    }
    int at = t.slot(inodeId);
    long held = t.words[at + INODE];
    if (held != EMPTY && held != inodeId) evictions++;
    write(t, at, inodeId, version.hlc(), seq, origin);
    if (++puts >= Math.min(t.slots(), WEIGHED_PUTS)) weigh(t);
  }

  /** After {@link #WEIGHED_PUTS}: doubles the table (up to its maximum) if over 1 in 8 replaced another inode. */
  private void weigh(Table t) {
    // an install between the two reads counts in the next round: an estimate
    long weighed = puts + installs.getAndSet(0);
    long replaced = evictions + installEvictions.getAndSet(0);
    puts = 0;
    evictions = 0;
    boolean crowded = replaced * 8 > weighed;
    if (!crowded || full || t.slots() >= maxSlots) return;
    Table grown;
    try {
      grown = new Table(t.slots() * 2, t.generation + 1);
    } catch (OutOfMemoryError e) {
      // called while an apply already written is being recorded: it must not fail for want of a larger cache
      full = true;
      log.warn("Inode version cache stays at {} slots: no heap for {} (version-cache-slots allows {})", t.slots(),
          t.slots() * 2, maxSlots);
      return;
    }
    for (int at = 0; at < t.words.length; at += SLOT_WORDS) copy(t.words, at, grown);
    table = grown;
    log.info("Inode version cache grown to {} slots ({} MiB of heap, at most {}): {} of the last {} puts and installs"
        + " replaced another inode", grown.slots(), (long) grown.words.length * Long.BYTES >> 20, maxSlots, replaced,
        weighed);
  }

  /** Copies a slot of the old table into the new one if it can be read whole (an install may be under way). */
  private static void copy(long[] words, int at, Table into) {
    long before = (long) WORDS.getAcquire(words, at + STAMP);
    if ((before & 1) != 0) return;
    long inode = words[at + INODE];
    long hlc = words[at + HLC];
    long seqAndOrigin = words[at + SEQ_AND_ORIGIN];
    VarHandle.loadLoadFence();
    if ((long) WORDS.getOpaque(words, at + STAMP) != before || inode == EMPTY) return;
    int to = into.slot(inode);
    into.words[to + INODE] = inode;
    into.words[to + HLC] = hlc;
    into.words[to + SEQ_AND_ORIGIN] = seqAndOrigin;
  }

  /**
   * Forgets {@code inodeId}: its value changed in a way not cached here, or the store no longer holds one (its
   * tombstone was collected). Another inode in the slot stays, but the slot's stamp moves on all the same.
   */
  void forget(long inodeId) {
    Table t = table;
    long[] words = t.words;
    if (words.length == 0 || inodeId == EMPTY) return;
    int at = t.slot(inodeId);
    long stamp = lock(words, at);
    if (words[at + INODE] == inodeId) words[at + INODE] = EMPTY;
    WORDS.setRelease(words, at + STAMP, stamp + 2);
  }

  /** Forgets everything: a write of unknown outcome leaves the cache unable to say what the store holds. */
  void clear() {
    Table t = table;
    for (int at = 0; at < t.words.length; at += SLOT_WORDS) {
      write(t, at, EMPTY, 0, 0, 0);
    }
  }

  /**
   * A ticket for {@link #install}ing what a read of the store, begun after this call, finds for {@code inodeId};
   * negative when nothing can be installed (cache off, or a write under way in the slot). It names the table it was
   * taken on: an install into another (the cache grew meanwhile) is dropped.
   */
  long ticket(long inodeId) {
    Table t = table;
    if (t.words.length == 0 || inodeId == EMPTY) return -1;
    long stamp = (long) WORDS.getAcquire(t.words, t.slot(inodeId) + STAMP);
    return (stamp & 1) != 0 ? -1 : ((long) t.generation << GENERATION_SHIFT) | stamp;
  }

  /**
   * Fills {@code inodeId}'s slot with what a read of the store found for it ({@code held}, null if nothing), unless
   * the slot's stamp moved since {@code ticket}: a write was recorded meanwhile, and the read may be older than it.
   * Any thread; a value not cacheable, or of an origin not yet in the table, is left out.
   */
  void install(long inodeId, long ticket, ApplyPlan.Held held) {
    if (ticket < 0) return;
    int origin = ABSENT_ORIGIN;
    if (held != null) {
      if (!held.knowledge().isEmpty() || !held.seen().isEmpty() || (held.seq() & ~SEQ_MASK) != 0) return;
      origin = indexOf(originNames, held.version().originSite());
      if (origin < 0) return;
    }
    long hlc = held == null ? 0 : held.version().hlc();
    long seq = held == null ? 0 : held.seq();
    Table t = table;
    if (ticket >>> GENERATION_SHIFT != t.generation) return;
    long stamp = ticket & STAMP_MASK;
    long[] words = t.words;
    int at = t.slot(inodeId);
    // between the CAS and the release only array stores: a writer waits out this window, holding the apply lock
    if (!WORDS.compareAndSet(words, at + STAMP, stamp, stamp + 1)) return;
    VarHandle.storeStoreFence(); // no reader may see the fields change under an even stamp
    long replaced = words[at + INODE];
    store(words, at, inodeId, hlc, seq, origin);
    WORDS.setRelease(words, at + STAMP, stamp + 2);
    if (replaced != EMPTY && replaced != inodeId) installEvictions.incrementAndGet();
    installs.incrementAndGet();
  }

  /**
   * A mesh has a handful of sites and entries carry one instance of each id ({@code SiteIds}), so a scan by identity
   * finds it without hashing or reading the string; equals only for an id that came another way.
   */
  private static int indexOf(String[] names, String site) {
    for (int i = 0; i < names.length; i++) {
      if (names[i] == site) return i;
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(site)) return i;
    }
    return -1;
  }

  private static void write(Table t, int at, long inode, long hlc, long seq, int origin) {
    long stamp = lock(t.words, at);
    store(t.words, at, inode, hlc, seq, origin);
    WORDS.setRelease(t.words, at + STAMP, stamp + 2);
  }

  private static void store(long[] words, int at, long inode, long hlc, long seq, int origin) {
    words[at + INODE] = inode;
    words[at + HLC] = hlc;
    words[at + SEQ_AND_ORIGIN] = ((long) origin << ORIGIN_SHIFT) | seq;
  }

  /**
   * Makes the slot's stamp odd for a write; waits out an {@link #install} under way (four array stores, unless its
   * thread was descheduled in the middle: then this one yields rather than spin through the other's time slice).
   */
  private static long lock(long[] words, int at) {
    for (int spins = 0; ; spins++) {
      long stamp = (long) WORDS.getVolatile(words, at + STAMP);
      if ((stamp & 1) == 0 && WORDS.compareAndSet(words, at + STAMP, stamp, stamp + 1)) {
        VarHandle.storeStoreFence(); // no reader may see the fields change under an even stamp
        return stamp;
      }
      if (spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }
}
