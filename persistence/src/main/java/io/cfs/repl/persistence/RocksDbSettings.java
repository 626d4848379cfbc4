package io.cfs.repl.persistence;

import com.typesafe.config.Config;
import java.util.Locale;
import org.rocksdb.CompressionType;

/**
 * RocksDB tuning shared by the journal and the store, read from a {@code rocksdb} block of either.
 *
 * @param writeBufferSize bytes of one memtable; a column family flushes to disk when its memtable is full
 * @param maxWriteBufferNumber memtables per column family (one filling, the rest flushing); with
 *     {@code writeBufferSize} it bounds memtable memory per column family
 * @param compression compression of the on-disk blocks
 * @param blockCacheSize bytes of uncompressed blocks cached for reads
 * @param maxBackgroundJobs threads for flushes and compactions
 */
public record RocksDbSettings(long writeBufferSize, int maxWriteBufferNumber, Compression compression,
                              long blockCacheSize, int maxBackgroundJobs) {

  /** Block compression choices (those built into the rocksdbjni native library). */
  public enum Compression {
    NONE(CompressionType.NO_COMPRESSION), LZ4(CompressionType.LZ4_COMPRESSION),
    ZSTD(CompressionType.ZSTD_COMPRESSION), SNAPPY(CompressionType.SNAPPY_COMPRESSION);

    private final CompressionType rocksDb;

    Compression(CompressionType rocksDb) {
      this.rocksDb = rocksDb;
    }

    public CompressionType rocksDb() {
      return rocksDb;
    }
  }

  public RocksDbSettings {
    Settings.require(writeBufferSize >= 1 << 20, "write-buffer-size must be at least 1 MiB, was "
        + writeBufferSize);
    Settings.require(maxWriteBufferNumber >= 2, "max-write-buffer-number must be at least 2 (one filling, "
        + "one flushing), was " + maxWriteBufferNumber);
    Settings.require(compression != null, "compression is required");
    Settings.require(blockCacheSize >= 0, "block-cache-size must be >= 0, was " + blockCacheSize);
    Settings.require(maxBackgroundJobs >= 1, "max-background-jobs must be >= 1, was " + maxBackgroundJobs);
  }

  /**
   * Reads the block at {@code path} (e.g. {@code cfs-repl.persistence.journal.rocksdb}); a bad value is refused with
   * an {@link IllegalArgumentException} naming its full key.
   */
  public static RocksDbSettings create(Config config, String path) {
    Config c = config.getConfig(path);
    String compression = c.getString("compression");
    try {
      return new RocksDbSettings(
          c.getBytes("write-buffer-size"),
          c.getInt("max-write-buffer-number"),
          parseCompression(compression),
          c.getBytes("block-cache-size"),
          c.getInt("max-background-jobs"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + "." + e.getMessage(), e);
    }
  }

  private static Compression parseCompression(String value) {
    try {
      return Compression.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("compression must be one of none, lz4, zstd, snappy; was '" + value + "'");
    }
  }
}
