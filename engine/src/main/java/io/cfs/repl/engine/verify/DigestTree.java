package io.cfs.repl.engine.verify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Merkle-style tree of digests over one store's values, {@value #LEVELS} levels below the root with a fanout of
 * {@value #FANOUT}: an inode falls in the leaf picked by the top bits of a mix of its id, so the leaves are even
 * whatever ids the metadata service hands out. Two sites that build it over equal stores get equal roots; a
 * difference shows in exactly the nodes above the differing values, so comparing top-down visits
 * {@code differences x LEVELS x FANOUT} nodes whatever the store size.
 *
 * <p>Fixed depth (65,536 leaves, 1.4 MB of digests): the memory of a verify does not grow with the store; in a very
 * large store a differing leaf holds more values, which the comparison then lists.
 *
 * <p>A value's hash is the first 16 bytes of SHA-256 over its summary, so an accidental match of two different
 * multisets of values needs two 64-bit sums to collide at once.
 */
final class DigestTree {
  static final int FANOUT_BITS = 4;
  static final int FANOUT = 1 << FANOUT_BITS;
  static final int LEVELS = 4;

  private final long[][] counts = new long[LEVELS + 1][];
  private final long[][] sums1 = new long[LEVELS + 1][];
  private final long[][] sums2 = new long[LEVELS + 1][];
  private final MessageDigest sha = sha256();
  private boolean sealed;

  DigestTree() {
    for (int level = 0; level <= LEVELS; level++) {
      int width = 1 << (FANOUT_BITS * level);
      counts[level] = new long[width];
      sums1[level] = new long[width];
      sums2[level] = new long[width];
    }
  }

  /** The node at {@code level} (0 is the root) that holds {@code inodeId}. */
  static int index(long inodeId, int level) {
    return level == 0 ? 0 : (int) (mix(inodeId) >>> (64 - FANOUT_BITS * level));
  }

  void add(ValueSummary value) {
    if (sealed) throw new IllegalStateException("the tree is sealed");
    int leaf = index(value.inodeId(), LEVELS);
    byte[] site = value.version().originSite().getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(8 + 8 + 2 + site.length + 1 + 4 + 4 + 4)
        .putLong(value.inodeId()).putLong(value.version().hlc()).putShort((short) site.length).put(site)
        .put((byte) (value.tombstone() ? 1 : 0)).putInt(value.opCode()).putInt(value.schemaVersion())
        .putInt(value.payloadCrc()).array());
    ByteBuffer hash = ByteBuffer.wrap(sha.digest());
    counts[LEVELS][leaf]++;
    sums1[LEVELS][leaf] += hash.getLong();
    sums2[LEVELS][leaf] += hash.getLong();
  }

  /** Adds the leaves up into every level above; nothing may be added after. */
  DigestTree seal() {
    for (int level = LEVELS; level > 0; level--) {
      for (int i = 0; i < counts[level].length; i++) {
        int parent = i >>> FANOUT_BITS;
        counts[level - 1][parent] += counts[level][i];
        sums1[level - 1][parent] += sums1[level][i];
        sums2[level - 1][parent] += sums2[level][i];
      }
    }
    sealed = true;
    return this;
  }

  NodeDigest node(int level, int index) {
    if (!sealed) throw new IllegalStateException("the tree is not sealed");
    if (level < 0 || level > LEVELS) throw new IllegalArgumentException("no level " + level);
    if (index < 0 || index >= counts[level].length) {
      throw new IllegalArgumentException("level " + level + " has no node " + index);
    }
    return new NodeDigest(counts[level][index], sums1[level][index], sums2[level][index]);
  }

  NodeDigest root() {
    return node(0, 0);
  }

  /** The murmur3 finaliser: every bit of the id moves the top bits that pick the leaf. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
