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
 * in size: about 33 bytes per slot whatever the store holds. A miss reads the store, so a value absent here is never
 * taken for an absent inode. It holds only values whose site knows nothing of the inode beyond their own write (the
 * common case: an inode one site writes); any other reads the store, where its knowledge is.
 *
 * <p>Only one writer per store may use it, and it must record every write it makes: the embedded store, whose applies
 * run one at a time in one process. A store that other processes also write (PostgreSQL) must not.
 *
 * <p>Writes ({@link #put}, {@link #forget}, {@link #clear}) come from one thread at a time: callers hold the store's
 * apply lock. Reads may come from any thread at any time (the journal asks what the site knows of each inode it
 * takes, without the apply lock): each slot is a seqlock, its stamp odd while a write is under way, and a read that
 * saw the stamp odd or changed is a miss. A read racing a write may see the slot as it was just before: an earlier
 * state of the store, which is as good as a read of the store a moment earlier.
 */
final class VersionCache {
  private static final long EMPTY = Long.MIN_VALUE;
  /** Origins are kept as an index into this table; an origin past its size is not cached. */
  private static final int MAX_ORIGINS = 255;
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

  /** What is held for {@code inodeId}, or null if not cached (the store may or may not hold a value). */
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
    if (!value.knowledge().isEmpty() || (origin == null && originIndex.size() >= MAX_ORIGINS)) {
      // not cacheable: the slot must not go on answering with what this inode held before
      if (inodes[slot] == inodeId) write(slot, EMPTY, 0, 0, (byte) 0);
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

  /** Forgets {@code inodeId}: the store no longer holds a value for it (its tombstone was collected). */
  void forget(long inodeId) {
    if (inodes.length == 0 || inodeId == EMPTY) return;
    int slot = slot(inodeId);
    if (inodes[slot] == inodeId) write(slot, EMPTY, 0, 0, (byte) 0);
  }

  /** Forgets everything: a write of unknown outcome leaves the cache unable to say what the store holds. */
  void clear() {
    for (int slot = 0; slot < inodes.length; slot++) {
      if (inodes[slot] != EMPTY) write(slot, EMPTY, 0, 0, (byte) 0);
    }
  }

  private void write(int slot, long inode, long hlc, long seq, byte origin) {
    long stamp = (long) STAMPS.getOpaque(stamps, slot);
    STAMPS.setOpaque(stamps, slot, stamp + 1);
    VarHandle.storeStoreFence();
    inodes[slot] = inode;
    hlcs[slot] = hlc;
    seqs[slot] = seq;
    origins[slot] = origin;
    STAMPS.setRelease(stamps, slot, stamp + 2);
  }

  private int slot(long inodeId) {
    long h = inodeId * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive ids spread over the slots
    return (int) (h >>> 32) & mask;
  }
}
