package io.cfs.repl.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores fed the same entries in different batchings and origin interleavings must hold the same values. */
class ConvergenceTest {
  private static final List<String> ORIGINS = List.of("site-a", "site-b", "site-c");
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  @Test
  void digestsAgreeWhateverTheDeliveryOrderAndDifferAfterADivergentWrite() {
    Random random = new Random(7);
    Map<String, List<JournalEntry>> journals = new HashMap<>();
    for (String origin : ORIGINS) {
      journals.put(origin, journal(origin, random));
    }

    try (RocksDbMetadataStore first = RocksDbMetadataStore.open(dir.resolve("first"), StoreSettings.defaults());
         RocksDbMetadataStore second = RocksDbMetadataStore.open(dir.resolve("second"), StoreSettings.defaults())) {
      // First: each origin whole, in one batch, origins in order.
      ORIGINS.forEach(origin -> first.apply(origin, journals.get(origin)));
      // Second: origins in reverse order of arrival, interleaved in small batches of varying size.
      Map<String, Integer> sent = new HashMap<>();
      boolean more = true;
      while (more) {
        more = false;
        for (String origin : List.of("site-c", "site-b", "site-a")) {
          List<JournalEntry> all = journals.get(origin);
          int from = sent.getOrDefault(origin, 0);
          int to = Math.min(all.size(), from + 1 + random.nextInt(40));
          if (from < to) {
            second.apply(origin, all.subList(from, to));
            sent.put(origin, to);
            more = true;
          }
        }
      }

      StoreDigest digest = first.digest();
      assertEquals(digest, second.digest());
      assertEquals(SHARDS, digest.shards().size());
      assertTrue(first.losers(Integer.MAX_VALUE).size() > 0, "the generated history has concurrent writes");

      long next = second.watermark("site-a", 2) + 1;
      JournalEntry divergent = JournalEntry.of("site-a", 2, next, 1_000_000, Op.WRITE, 2, 1, new byte[] {1});
      assertEquals(1, second.apply("site-a", List.of(divergent)).applied());
      StoreDigest diverged = second.digest();
      assertNotEquals(digest.hash(), diverged.hash());
      assertNotEquals(digest.shards().get(2), diverged.shards().get(2));
      assertEquals(digest.shards().get(1), diverged.shards().get(1), "the other shards still agree");
    }
  }

  /**
   * 999 entries of one origin over {@code SHARDS} shards, touching 40 shared inodes (inode i lives in shard i % SHARDS)
   * with random hlcs, so origins overwrite, delete and lose against each other.
   */
  private static List<JournalEntry> journal(String origin, Random random) {
    List<JournalEntry> entries = new ArrayList<>();
    long[] seqs = new long[SHARDS];
    for (int i = 0; i < 999; i++) {
      long inode = random.nextInt(40);
      int shard = (int) (inode % SHARDS);
      Op op = random.nextInt(10) == 0 ? Op.UNLINK : Op.WRITE;
      byte[] payload = new byte[random.nextInt(30)];
      random.nextBytes(payload);
      entries.add(JournalEntry.of(origin, shard, ++seqs[shard], random.nextInt(5_000), op, inode, 1, payload));
    }
    return entries;
  }
}
