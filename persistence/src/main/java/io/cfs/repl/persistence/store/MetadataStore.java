package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.FencedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The site's inode key-value store, as replication sees it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #apply} is one atomic write: winners, tombstones, LWW losers (audit) and the per-(origin, shard)
 *       applied watermarks land together or not at all;</li>
 *   <li>last-write-wins on {@link io.cfs.repl.model.entry.Version} (hlc, originSite): an entry replaces the
 *       stored value iff its version is greater; a delete leaves a tombstone carrying its version;</li>
 *   <li>idempotent: entries at or below the watermark of their (origin, shard) are skipped, so a batch delivered
 *       twice changes nothing the second time;</li>
 *   <li>never skips: an entry above watermark + 1 is a gap; that shard's entries are refused (nothing of that
 *       shard written) and reported in {@link ApplyResult#gaps()}; other shards of the batch still apply.</li>
 * </ul>
 */
public interface MetadataStore extends AutoCloseable {

  /** Applies a batch from one origin site, fsync'd. Entries of one shard must be in seq order. */
  default ApplyResult apply(String originSite, List<JournalEntry> entries) {
    return apply(originSite, entries, Durability.SYNC);
  }

  /** Applies a batch from one origin site with the given durability. Entries of one shard must be in seq order. */
  ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability);

  /**
   * As {@link #apply(String, List, Durability)}, by a site singleton: made only if {@code fence} still holds its
   * lease's current token, checked atomically with the write. Otherwise throws {@link FencedException} and writes
   * nothing (no value, no loser, no watermark).
   */
  ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability, Fence fence);

  /** Highest seq applied for (origin, shard), 0 if none. */
  long watermark(String originSite, int shard);

  /** Every applied watermark of one origin: shard to highest applied seq. */
  Map<Integer, Long> watermarks(String originSite);

  /** The value held for an inode (live or tombstone). */
  Optional<StoredValue> get(long inodeId);

  /** Per-shard and overall digest of (inode id, version, tombstone, payload crc) in inode order. */
  StoreDigest digest();

  /** LWW losers recorded by apply (the audit trail), oldest first, at most {@code limit}. */
  List<LwwLoser> losers(int limit);

  @Override
  void close();
}
