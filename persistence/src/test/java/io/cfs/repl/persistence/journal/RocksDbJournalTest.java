package io.cfs.repl.persistence.journal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The journal rules on RocksDB (group commit and its writer: {@link GroupCommitTest}). */
class RocksDbJournalTest extends LocalJournalContract {
  @TempDir
  Path dir;

  @Override
  LocalJournal open(JournalSettings settings) {
    return RocksDbJournal.open(dir, site, settings);
  }
}
