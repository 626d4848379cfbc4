package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The versions of recently applied inodes, so that last-write-wins need not read the store before every write: the
 * apply's multi-get was as costly as its write. Direct-mapped and lossy (a colliding inode replaces the slot's), fixed
 * in size: about 33 bytes per slot whatever the store holds. A miss reads the store. It holds only values whose site
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
 */
final class VersionCache {
  private static final long EMPTY = Long.MIN_VALUE;
  /** Origins are kept as an index into this table; an origin past its size is not cached. */
  private static final int MAX_ORIGINS = 255;
  /** The origin index of a slot that says the store holds no value for its inode. */
  private static final int ABSENT_ORIGIN = MAX_ORIGINS;
  /** What {@link #get} answers for an inode the store holds no value for; compared by identity. */
  static final ApplyPlan.Held ABSENT = new ApplyPlan.Held(new Version(0, ""), 0, Seen.NONE, Seen.NONE);
  private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] stamps;
  private final long[] inodes;
  private final long[] hlcs;
  private final long[] seqs;
  private final byte[] origins;
  private final int mask;
  /** Replaced, never changed in place, so a reader sees a whole table. */
  private volatile String[] originNames = new String[0];
  private final Map<String, Integer> originIndex = new HashMap<>(); // writers only

  /** {@code slots} is rounded down to a power of two; 0 turns the cache off. */
  VersionCache(int slots) {
    int size = slots <= 0 ? 0 : Integer.highestOneBit(slots);
    this.stamps = new long[size];
    this.inodes = new long[size];
    this.hlcs = new long[size];
    this.seqs = new long[size];
    this.origins = new byte[size];
    this.mask = size - 1;
    Arrays.fill(inodes, EMPTY);
  }

  /**
   * What is held for {@code inodeId}: {@link #ABSENT} if the store holds no value for it, null if not cached (the store
   * may or may not hold a value).
   */
  ApplyPlan.Held get(long inodeId) {
    if (inodes.length == 0 || inodeId == EMPTY) return null;
    int slot = slot(inodeId);
    long before = (long) STAMPS.getAcquire(stamps, slot);
    if ((before & 1) != 0) return null;
    long inode = inodes[slot];
    long hlc = hlcs[slot];
    long seq = seqs[slot];
    int origin = Byte.toUnsignedInt(origins[slot]);
    VarHandle.loadLoadFence();
    if ((long) STAMPS.getOpaque(stamps, slot) != before || inode != inodeId) return null;
    if (origin == ABSENT_ORIGIN) return ABSENT;
    String[] names = originNames;
    if (origin >= names.length) return null;
    // a cached value knows nothing beyond its own write, so its writer had seen nothing beyond it either
    return new ApplyPlan.Held(new Version(hlc, names[origin]), seq, Seen.NONE, Seen.NONE);
  }

  /** Records what the store now holds for the value's inode. */
  void put(StoredValue value) {
    long inodeId = value.inodeId();
    if (inodes.length == 0 || inodeId == EMPTY) return;
    int slot = slot(inodeId);
    Version version = value.version();
    Integer origin = originIndex.get(version.originSite());
    if (!value.knowledge().isEmpty() || !value.seen().isEmpty()
        || (origin == null && originIndex.size() >= MAX_ORIGINS)) {
      // not cacheable: the slot must not go on answering with what this inode held before
      forget(inodeId);
      return;
    }
    if (origin == null) {
      origin = originIndex.size();
      String[] grown = Arrays.copyOf(originNames, origin + 1);
      grown[origin] = version.originSite();
      originNames = grown;
      originIndex.put(version.originSite(), origin);
    }
    write(slot, inodeId, version.hlc(), value.seq(), (byte) (int) origin);
  }

  /**
   * Forgets {@code inodeId}: its value changed in a way not cached here, or the store no longer holds one (its
   * tombstone was collected). Another inode in the slot stays, but the slot's stamp moves on all the same.
   */
  void forget(long inodeId) {
    if (inodes.length == 0 || inodeId == EMPTY) return;
    int slot = slot(inodeId);
    long stamp = lock(slot);
    if (inodes[slot] == inodeId) inodes[slot] = EMPTY;
    STAMPS.setRelease(stamps, slot, stamp + 2);
  }

  /** Forgets everything: a write of unknown outcome leaves the cache unable to say what the store holds. */
  void clear() {
    for (int slot = 0; slot < inodes.length; slot++) {
      write(slot, EMPTY, 0, 0, (byte) 0);
    }
  }

  /**
   * A ticket for {@link #install}ing what a read of the store, begun after this call, finds for {@code inodeId};
   * negative when nothing can be installed (cache off, or a write under way in the slot).
   */
  long ticket(long inodeId) {
    if (inodes.length == 0 || inodeId == EMPTY) return -1;
    long stamp = (long) STAMPS.getAcquire(stamps, slot(inodeId));
    return (stamp & 1) != 0 ? -1 : stamp;
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
      if (!held.knowledge().isEmpty() || !held.seen().isEmpty()) return;
      origin = indexOf(originNames, held.version().originSite());
      if (origin < 0) return;
    }
    long hlc = held == null ? 0 : held.version().hlc();
    long seq = held == null ? 0 : held.seq();
    int slot = slot(inodeId);
    // between the CAS and the release only array stores: a writer waits out this window, holding the apply lock
    if (!STAMPS.compareAndSet(stamps, slot, ticket, ticket + 1)) return;
    VarHandle.storeStoreFence(); // no reader may see the fields change under an even stamp
    inodes[slot] = inodeId;
    hlcs[slot] = hlc;
    seqs[slot] = seq;
    origins[slot] = (byte) origin;
    STAMPS.setRelease(stamps, slot, ticket + 2);
  }

  private static int indexOf(String[] names, String site) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(site)) return i;
    }
    return -1;
  }

  private void write(int slot, long inode, long hlc, long seq, byte origin) {
    long stamp = lock(slot);
    inodes[slot] = inode;
    hlcs[slot] = hlc;
    seqs[slot] = seq;
    origins[slot] = origin;
    STAMPS.setRelease(stamps, slot, stamp + 2);
  }

  /**
   * Makes the slot's stamp odd for a write; waits out an {@link #install} under way (four array stores, unless its
   * thread was descheduled in the middle: then this one yields rather than spin through the other's time slice).
   */
  private long lock(int slot) {
    for (int spins = 0; ; spins++) {
      long stamp = (long) STAMPS.getVolatile(stamps, slot);
      if ((stamp & 1) == 0 && STAMPS.compareAndSet(stamps, slot, stamp, stamp + 1)) {
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

  private int slot(long inodeId) {
    long h = inodeId * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive ids spread over the slots
    return (int) (h >>> 32) & mask;
  }
}
