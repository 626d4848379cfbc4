package io.cfs.repl.persistence.store;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A consistent point-in-time view of a whole {@link MetadataStore} ({@link MetadataStore#openSnapshot}): what a site
 * ships to a peer that fell behind its journal's GC horizon. Values and marks are of the same instant, so a peer that
 * installs both holds exactly what this store had applied then. Holds backend resources until closed.
 */
public interface StoreSnapshot extends AutoCloseable {
  /**
   * Per origin site, what the store had applied at the snapshot's point in time: consistent with the values
   * {@link #next} returns. Every origin with a watermark or an incarnation is present.
   */
  Map<String, OriginMarks> marks();

  /**
   * The values (live and tombstones) of the snapshot's view with an inode id after {@code after} (exclusive; empty =
   * from the first), in the same inode key order as {@link MetadataStore#scan} (ids as unsigned), at most
   * {@code maxValues} and stopping once the payload bytes reach {@code maxBytes} (at least one value when any is
   * left); empty list = no more. Both limits must be at least 1.
   *
   * @throws IllegalStateException once the snapshot (or its store) is closed
   */
  List<StoredValue> next(OptionalLong after, int maxValues, long maxBytes);

  /** Releases the view (RocksDB snapshot / PostgreSQL transaction+connection). Idempotent. */
  @Override
  void close();
}
