package io.cfs.repl.persistence.journal;

import java.nio.ByteBuffer;

/**
 * Journal keys: shard (4 bytes) then seq (8 bytes), big-endian. Shards and seqs are never negative, so byte order
 * equals numeric order: one shard's entries are contiguous and in seq order, and reading from a position is a seek.
 */
final class JournalKeys {
  static final int LENGTH = 12;
  /** The shard's part of a key: within it, keys are written in seq order. */
  static final int SHARD_BYTES = 4;

  private JournalKeys() {
  }

  static byte[] key(int shard, long seq) {
    ByteBuffer key = ByteBuffer.allocate(LENGTH);
    key(shard, seq, key);
    return key.array();
  }

  /** Appends the key at the buffer's position; {@link #LENGTH} bytes must remain. */
  static void key(int shard, long seq, ByteBuffer out) {
    out.putInt(shard).putLong(seq);
  }

  static int shard(byte[] key) {
    return ByteBuffer.wrap(key).getInt(0);
  }

  static long seq(byte[] key) {
    return ByteBuffer.wrap(key).getLong(4);
  }
}
