package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.RocksDbHandle;
import java.util.Map;
import java.util.OptionalLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A {@link SnapshotView} on a RocksDB snapshot: every read goes through {@code read}, which names it, so values read
 * page after page and the marks read at open are all of the snapshot's sequence number. Blocks read are not kept in
 * the cache, as for a scan. The database is not closed before {@link #release} ({@link OpenSnapshots#closeAll}).
 */
final class RocksDbSnapshotView implements SnapshotView {
  private final RocksDbHandle rocks;
  private final ColumnFamilyHandle inodes;
  private final Snapshot snapshot;
  private final ReadOptions read;
  private final Map<String, OriginMarks> marks;

  /** Takes ownership of {@code snapshot} and {@code read} (which names it): {@link #release} frees both. */
  RocksDbSnapshotView(RocksDbHandle rocks, ColumnFamilyHandle inodes, Snapshot snapshot, ReadOptions read,
                      Map<String, OriginMarks> marks) {
    this.rocks = rocks;
    this.inodes = inodes;
    this.snapshot = snapshot;
    this.read = read;
    this.marks = marks;
  }

  @Override
  public Map<String, OriginMarks> marks() {
    return marks;
  }

  /** Big-endian keys in RocksDB's bytewise order are the ids as unsigned: a seek lands on the first id not below. */
  @Override
  public void fill(OptionalLong after, SnapshotPage page) {
    try (RocksIterator it = rocks.db().newIterator(inodes, read)) {
      if (after.isEmpty()) {
        it.seekToFirst();
      } else {
        it.seek(StoreCodec.longKey(after.getAsLong()));
        if (it.isValid() && StoreCodec.longOf(it.key()) == after.getAsLong()) it.next();
      }
      while (it.isValid() && page.add(StoreCodec.decodeValue(StoreCodec.longOf(it.key()), it.value()))) {
        it.next();
      }
      it.status();
    } catch (RocksDBException e) {
      throw rocks.failure("metadata store snapshot read", e);
    }
  }

  @Override
  public void release() {
    read.close();
    rocks.db().releaseSnapshot(snapshot);
    snapshot.close();
  }
}
