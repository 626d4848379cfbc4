package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.StorageException;
import java.util.List;
import java.util.function.Predicate;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * {@link ShardScan} of {@link RocksDbJournal}: a pass is one iterator, and a range a seek then a scan that reads only
 * what the reader takes (recent entries come from memtables and block cache, so there is nothing to gain by fetching
 * ahead). The head is checked on the key, so nothing past it is decoded.
 */
final class RocksDbShardScan implements ShardScan {
  private final RocksDB db;

  RocksDbShardScan(RocksDB db) {
    this.db = db;
  }

  @Override
  public Pass open(List<Range> ranges, int limit) {
    RocksIterator it = db.newIterator();
    return new Pass() {
      @Override
      public void scan(Range range, int max, Predicate<JournalEntry> taker) {
        int offered = 0;
        it.seek(JournalKeys.key(range.shard(), range.from()));
        while (it.isValid() && offered < max) {
          byte[] key = it.key();
          if (JournalKeys.shard(key) != range.shard() || JournalKeys.seq(key) > range.head()) return;
          offered++;
          if (!taker.test(EntryCodec.decode(it.value()))) return;
          it.next();
        }
        if (!it.isValid()) {
          try {
            it.status();
          } catch (RocksDBException e) {
            throw new StorageException("journal scan of shard " + range.shard() + " failed", e);
          }
        }
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }
}
