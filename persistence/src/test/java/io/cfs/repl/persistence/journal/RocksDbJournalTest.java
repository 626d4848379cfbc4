package io.cfs.repl.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.TestEntries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal rules on RocksDB (group commit and its writer: {@link GroupCommitTest}). */
class RocksDbJournalTest extends LocalJournalContract {
  @TempDir
  Path dir;

  @Override
  LocalJournal open(JournalSettings settings, SeenSource seen) {
    return RocksDbJournal.open(dir, site, settings, seen);
  }

  @Override
  boolean holdsAppendsForItsTails() {
    return true;
  }

  @Test
  void aJournalCreatedOnAWipedDirIsANewIncarnation() throws Exception {
    UUID before = journal.incarnation();
    journal.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
    }
    try (RocksDbJournal fresh = RocksDbJournal.open(dir, site, LIMITS)) {
      assertEquals(0, fresh.heads().size());
      assertNotEquals(before, fresh.incarnation());
    }
  }

  /**
   * The bytes held follow a collection at once (a retention cap reads them), though RocksDB's files keep the collected
   * entries until compaction: entries held times a sampled entry size.
   */
  @Test
  void theBytesHeldShrinkWithACollectionBeforeAnyCompaction() {
    for (long from = 1; from <= 1_000; from += 100) {
      JournalTesting.await(journal.append(TestEntries.range(site, 0, from, from + 99)));
      JournalTesting.await(journal.append(TestEntries.range(site, 1, from, from + 99)));
    }
    JournalFootprint all = journal.footprint();
    journal.collect(Map.of(0, 900L, 1, 900L));
    JournalFootprint after = journal.footprint();
    assertEquals(200, after.entries());
    assertTrue(after.bytes() * 8 < all.bytes(), "a tenth held: " + after + " against " + all);
    assertTrue(after.bytes() > 0, "the entries held take bytes: " + after);
  }

  /**
   * The journal's memtable inserts start from the last key of their shard (RocksDB keeps its options in an OPTIONS
   * file per open): without the hint, or with concurrent memtable writes, which make RocksDB ignore it, every insert
   * searches the skip list from its top.
   */
  @Test
  void memtableInsertsAreHintedByShard() throws Exception {
    String options;
    try (Stream<Path> files = Files.list(dir)) {
      Path newest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
          .max(Comparator.comparing(Path::toString)).orElseThrow();
      options = Files.readString(newest);
    }
    assertTrue(options.contains("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix.4"), options);
    assertTrue(options.contains("allow_concurrent_memtable_write=false"), options);
  }
}
