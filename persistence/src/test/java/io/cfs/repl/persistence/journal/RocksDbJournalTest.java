package io.cfs.repl.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
}
