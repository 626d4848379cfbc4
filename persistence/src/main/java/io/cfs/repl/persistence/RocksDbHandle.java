package io.cfs.repl.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;

/**
 * An open RocksDB together with every native object it depends on (options, cache, filter, column family handles),
 * released together by {@link #close()} in the order RocksDB requires: handles, database, then options.
 * Shared by the journal and the store of this module; not meant for other modules.
 */
public final class RocksDbHandle implements AutoCloseable {
  private final Path dir;
  private final long writeBufferSize;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> columns;
  private final List<AutoCloseable> natives;

  private RocksDbHandle(Path dir, long writeBufferSize, RocksDB db, Map<String, ColumnFamilyHandle> columns,
                        List<AutoCloseable> natives) {
    this.dir = dir;
    this.writeBufferSize = writeBufferSize;
    this.db = db;
    this.columns = Map.copyOf(columns);
    this.natives = natives;
  }

  /** Opens (creating if missing) the database in {@code dir} with the given extra column families. */
  public static RocksDbHandle open(Path dir, RocksDbSettings settings, List<String> columnFamilies) {
    return open(dir, settings, columnFamilies, 0);
  }

  /**
   * As {@link #open(Path, RocksDbSettings, List)}, for keys that arrive in order within each run of keys sharing their
   * first {@code orderedPrefixBytes} bytes (0: no such order). Each memtable insert then starts from where the last
   * one of its prefix ended instead of searching the skip list from its top: with the journal's keys (shard, seq) and
   * a group commit touching most shards once, that search was a cache miss per level for every entry.
   */
  public static RocksDbHandle open(Path dir, RocksDbSettings settings, List<String> columnFamilies,
                                   int orderedPrefixBytes) {
    RocksDbLibrary.load();
    List<AutoCloseable> natives = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      LRUCache cache = track(natives, new LRUCache(settings.blockCacheSize()));
      // Bloom filters, on files and on memtables, let point lookups of absent keys (every new inode an apply
      // looks up) skip the search; measured: the apply's multi-get cost fell to a third.
      BloomFilter bloom = track(natives, new BloomFilter(10));
      ColumnFamilyOptions columnOptions = track(natives, columnOptions(orderedPrefixBytes)
          .setWriteBufferSize(settings.writeBufferSize())
          .setMaxWriteBufferNumber(settings.maxWriteBufferNumber())
          .setCompressionType(settings.compression().rocksDb())
          .setLevelCompactionDynamicLevelBytes(true)
          .setMemtablePrefixBloomSizeRatio(0.1)
          .setMemtableWholeKeyFiltering(true)
          .setTableFormatConfig(new BlockBasedTableConfig()
              .setBlockCache(cache)
              .setFilterPolicy(bloom)));
      // On a full volume RocksDB stops writes (a background error) and its error handler resumes the database on its
      // own once the SstFileManager sees a write buffer's worth of space free again (polled every few seconds): a
      // full volume heals without a restart. RocksDB would create one if none were set; it is set here so that the recovery is not left to a
      // default. RocksJava has no DB#resume() to call instead.
      SstFileManager files = track(natives, new SstFileManager(Env.getDefault()));
      DBOptions dbOptions = track(natives, new DBOptions()
          .setSstFileManager(files)
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(settings.maxBackgroundJobs())
          // Small column families keep old WAL files alive; this bound forces their flush instead.
          .setMaxTotalWalSize(4 * settings.writeBufferSize() * settings.maxWriteBufferNumber())
          .setBytesPerSync(1 << 20)
          // RocksDB's own LOG files otherwise grow and accumulate without bound in the data directory.
          .setMaxLogFileSize(16 << 20)
          .setKeepLogFileNum(5)
          // RocksDB ignores insert hints when a write group may fill the memtable from several threads at once
          .setAllowConcurrentMemtableWrite(orderedPrefixBytes == 0));
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions));
      for (String name : columnFamilies) {
        descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), columnOptions));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = track(natives, RocksDB.open(dbOptions, dir.toString(), descriptors, handles));
      natives.addAll(handles);
      Map<String, ColumnFamilyHandle> columns = new HashMap<>();
      for (int i = 0; i < columnFamilies.size(); i++) {
        columns.put(columnFamilies.get(i), handles.get(i + 1));
      }
      return new RocksDbHandle(dir, settings.writeBufferSize(), db, columns, natives);
    } catch (RocksDBException | IOException | RuntimeException e) {
      closeAll(natives);
      throw new StorageException("cannot open RocksDB in " + dir, e);
    }
  }

  /**
   * Options with an insert hint per key prefix when {@code orderedPrefixBytes > 0}. RocksJava has no setter for
   * {@code memtable_insert_with_hint_prefix_extractor}; RocksDB's options parser takes it by name.
   */
  private static ColumnFamilyOptions columnOptions(int orderedPrefixBytes) throws RocksDBException {
    if (orderedPrefixBytes <= 0) return new ColumnFamilyOptions();
    Properties hint = new Properties();
    hint.setProperty("memtable_insert_with_hint_prefix_extractor", "rocksdb.FixedPrefix." + orderedPrefixBytes);
    try (ConfigOptions parsing = new ConfigOptions().setIgnoreUnknownOptions(false)) {
      ColumnFamilyOptions options = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(parsing, hint);
      if (options == null) throw new RocksDBException("RocksDB refused its insert-hint option " + hint);
      return options;
    }
  }

  /**
   * The exception for a failed operation of {@code what} ("journal write"): {@link StorageFullException} when the
   * volume is full, else a plain {@link StorageException}.
   */
  public StorageException failure(String what, RocksDBException e) {
    return StorageFullException.isNoSpace(e) ? new StorageFullException(what, dir, writeBufferSize, e)
        : new StorageException(what + " failed", e);
  }

  public RocksDB db() {
    return db;
  }

  /** The handle of a column family named at {@link #open}. */
  public ColumnFamilyHandle column(String name) {
    ColumnFamilyHandle handle = columns.get(name);
    if (handle == null) throw new IllegalArgumentException("no column family " + name);
    return handle;
  }

  @Override
  public void close() {
    closeAll(natives);
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> natives, T object) {
    natives.add(object);
    return object;
  }

  private static void closeAll(List<AutoCloseable> natives) {
    for (int i = natives.size() - 1; i >= 0; i--) {
      try {
        natives.get(i).close();
      } catch (Exception e) {
        // Keep releasing the rest: a failure to free one native object must not leak the others.
      }
    }
    natives.clear();
  }
}
