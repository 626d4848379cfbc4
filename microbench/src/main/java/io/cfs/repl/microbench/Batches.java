package io.cfs.repl.microbench;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The bench's workload shape: 500-entry batches over 64 shards, 200-byte payloads, inodes from a 1M range. */
public final class Batches {
  public static final int SIZE = 500;
  public static final int SHARDS = 64;
  public static final int PAYLOAD = 200;

  private Batches() {
  }

  /** One batch of {@code origin}, per shard dense seqs continuing {@code seqs} (advanced in place). */
  public static List<JournalEntry> next(String origin, long[] seqs, SplittableRandom random) {
    List<JournalEntry> batch = new ArrayList<>(SIZE);
    long hlc = System.currentTimeMillis() * 1_000_000;
    for (int i = 0; i < SIZE; i++) {
      int shard = random.nextInt(SHARDS);
      byte[] payload = new byte[PAYLOAD];
      random.nextBytes(payload);
      long inode = random.nextLong(1_000_000 / SHARDS) * SHARDS + shard;
      batch.add(JournalEntry.of(origin, shard, ++seqs[shard], hlc + i, Op.WRITE, inode, 1, payload));
    }
    batch.sort(java.util.Comparator.comparingInt(JournalEntry::shard).thenComparingLong(JournalEntry::seq));
    return batch;
  }
}
