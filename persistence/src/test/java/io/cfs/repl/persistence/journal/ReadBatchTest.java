package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.SITE;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadBatchTest {
  @TempDir
  Path dir;
  private RocksDbJournal journal;

  @BeforeEach
  void open() {
    journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults());
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @Test
  void aHotShardDoesNotStarveASmallOne() {
    for (long from = 1; from <= 100_000; from += 10_000) {
      await(journal.append(range(SITE, 0, from, from + 9_999)));
    }
    await(journal.append(range(SITE, 1, 1, 10)));

    List<JournalEntry> batch = journal.readBatch(Map.of(), 1_000, Long.MAX_VALUE);

    assertEquals(1_000, batch.size());
    assertEquals(range(SITE, 1, 1, 10), ofShard(batch, 1));
    assertEquals(range(SITE, 0, 1, 990), ofShard(batch, 0), "the hot shard fills the rest, in seq order");
  }

  @Test
  void readsOnlyBeyondThePositions() {
    await(journal.append(range(SITE, 0, 1, 10)));
    await(journal.append(range(SITE, 1, 1, 10)));
    await(journal.append(range(SITE, 2, 1, 10)));

    List<JournalEntry> batch = journal.readBatch(Map.of(0, 10L, 1, 7L), 100, Long.MAX_VALUE);

    assertEquals(List.of(), ofShard(batch, 0));
    assertEquals(range(SITE, 1, 8, 10), ofShard(batch, 1));
    assertEquals(range(SITE, 2, 1, 10), ofShard(batch, 2));
    assertEquals(List.of(), journal.readBatch(Map.of(0, 10L, 1, 10L, 2, 10L), 100, Long.MAX_VALUE));
  }

  @Test
  void boundedByBytesButNeverEmptyWhenEntriesWait() {
    await(journal.append(range(SITE, 0, 1, 10)));
    await(journal.append(range(SITE, 1, 1, 10)));
    int size = range(SITE, 0, 1, 1).get(0).sizeEstimate();

    List<JournalEntry> four = journal.readBatch(Map.of(), 100, 4L * size);
    assertEquals(4, four.size());
    assertEquals(2, ofShard(four, 0).size(), "the byte budget is shared between the shards too");

    List<JournalEntry> one = journal.readBatch(Map.of(), 100, 1);
    assertEquals(1, one.size(), "an entry larger than the whole budget still goes out alone");
  }

  @Test
  void whenMoreShardsWaitThanABatchHoldsTheStartRotates() {
    for (int shard = 0; shard < 20; shard++) {
      await(journal.append(range(SITE, shard, 1, 5)));
    }
    Set<Integer> served = new HashSet<>();
    for (int call = 0; call < 2; call++) {
      List<JournalEntry> batch = journal.readBatch(Map.of(), 10, Long.MAX_VALUE);
      assertEquals(10, batch.size());
      batch.forEach(e -> served.add(e.shard()));
    }
    assertEquals(20, served.size(), "two batches of ten from the same positions reach all twenty shards");
  }

  private static List<JournalEntry> ofShard(List<JournalEntry> batch, int shard) {
    List<JournalEntry> entries = batch.stream().filter(e -> e.shard() == shard).collect(Collectors.toList());
    for (int i = 1; i < entries.size(); i++) {
      assertTrue(entries.get(i).seq() == entries.get(i - 1).seq() + 1, "dense and ordered within a shard");
    }
    return entries;
  }
}
