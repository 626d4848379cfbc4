package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The versions of recently applied inodes, so that last-write-wins need not read the store before every write: the
 * apply's multi-get was as costly as its write. Direct-mapped and lossy (a colliding inode replaces the slot's), fixed
 * in size: about 25 bytes per slot whatever the store holds. A miss reads the store, so a value absent here is never
 * taken for an absent inode. It holds only values whose site knows nothing of the inode beyond their own version
 * (the common case: an inode one site writes); any other reads the store, where its knowledge is.
 *
 * <p>Only one writer per store may use it, and it must record every write it makes: the embedded store, whose applies
 * run one at a time in one process. A store that other processes also write (PostgreSQL) must not.
 *
 * <p>Not thread-safe: callers hold the store's apply lock.
 */
final class VersionCache {
  private static final long EMPTY = Long.MIN_VALUE;
  /** Origins are kept as an index into this table; an origin past its size is not cached. */
  private static final int MAX_ORIGINS = 255;

  private final long[] inodes;
  private final long[] hlcs;
  private final long[] seqs;
  private final byte[] origins;
  private final int mask;
  private final List<String> originNames = new ArrayList<>();
  private final Map<String, Integer> originIndex = new HashMap<>();

  /** {@code slots} is rounded down to a power of two; 0 turns the cache off. */
  VersionCache(int slots) {
    int size = slots <= 0 ? 0 : Integer.highestOneBit(slots);
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
    if (inodes[slot] != inodeId) return null;
    return new ApplyPlan.Held(new Version(hlcs[slot], originNames.get(Byte.toUnsignedInt(origins[slot]))),
        seqs[slot], Seen.NONE, Seen.NONE);
  }

  /** Records what the store now holds for the value's inode. */
  void put(StoredValue value) {
    long inodeId = value.inodeId();
    if (inodes.length == 0 || inodeId == EMPTY) return;
    int slot = slot(inodeId);
    Version version = value.version();
    Integer origin = originIndex.get(version.originSite());
    if (!value.knowledge().isEmpty() || (origin == null && originNames.size() >= MAX_ORIGINS)) {
      // not cacheable: the slot must not go on answering with what this inode held before
      if (inodes[slot] == inodeId) inodes[slot] = EMPTY;
      return;
    }
    if (origin == null) {
      origin = originNames.size();
      originNames.add(version.originSite());
      originIndex.put(version.originSite(), origin);
    }
    inodes[slot] = inodeId;
    hlcs[slot] = version.hlc();
    seqs[slot] = value.seq();
    origins[slot] = (byte) (int) origin;
  }

  /** Forgets everything: a write of unknown outcome leaves the cache unable to say what the store holds. */
  void clear() {
    Arrays.fill(inodes, EMPTY);
  }

  private int slot(long inodeId) {
    long h = inodeId * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive ids spread over the slots
    return (int) (h >>> 32) & mask;
  }
}
