package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.FencedException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The site's inode key-value store, as replication sees it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #apply} is one atomic write: winners, tombstones, what the site learnt of each inode, the conflicts met
 *       ({@link WriteConflict}) and the per-(origin, shard) applied watermarks land together or not at all, so a
 *       conflict is recorded exactly once: a re-delivered entry is below its watermark and decides nothing;</li>
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
   * nothing (no value, no conflict, no watermark).
   */
  ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability, Fence fence);

  /**
   * Makes durable every apply of {@link Durability#LATER} that returned before this call (one fsync of the store's
   * log, however many it covers); does nothing where each such apply was durable when it returned.
   */
  void sync();

  /** Highest seq applied for (origin, shard), 0 if none. */
  long watermark(String originSite, int shard);

  /** Every applied watermark of one origin: shard to highest applied seq. */
  Map<Integer, Long> watermarks(String originSite);

  /**
   * {@link #watermarks}, made durable before they are returned whatever the durability of the applies that wrote them
   * (the site's own are {@link Durability#ASYNC}): what a crash of the host can no longer take back, unless the
   * store's sync is off. What may drop the entries behind a watermark (the journal's GC) reads this.
   */
  Map<Integer, Long> durableWatermarks(String originSite);

  /** The value held for an inode (live or tombstone). */
  Optional<StoredValue> get(long inodeId);

  /** The values held for {@code inodeIds} (live or tombstone), by inode; inodes with no value are left out. */
  Map<Long, StoredValue> getAll(Collection<Long> inodeIds);

  /**
   * Feeds every value held (live and tombstones) to {@code visitor} in inode key order (ids as unsigned), all from
   * one point-in-time view: an apply running meanwhile is wholly in the scan or not at all. Cost linear in the store
   * size: for checks, verification and admin, never on the apply path. The visitor runs on the calling thread.
   */
  void scan(Consumer<StoredValue> visitor);

  /**
   * Writes, in one atomic write, each of {@code values} (another site's values, shipped by a verify-and-repair) that
   * wins last-write-wins against the value held here, as an apply would; older or equal values are not written.
   * Watermarks do not move and no conflict is recorded: a repair is not a journal entry, and the entry that carried the
   * value, if it arrives later, meets an equal version and changes nothing.
   */
  RepairResult repair(List<StoredValue> values, Durability durability);

  /**
   * The incarnation of {@code originSite}'s journal that its watermarks here belong to; empty when no link of that
   * origin offered one yet (a store written before incarnations existed, or an origin never heard from).
   */
  Optional<UUID> incarnation(String originSite);

  /**
   * Offers {@code incarnation} for {@code originSite}, as a link of that origin opens, before any of its batches is
   * applied; adopts it or refuses it by the rule of {@link IncarnationCheck}. Runs under the apply lock, so no apply
   * of any node of the site writes between the read of what is held and the write of the adopted id. An adoption is
   * durable when this returns; a refusal writes nothing.
   */
  IncarnationCheck adoptIncarnation(String originSite, UUID incarnation);

  /**
   * An operator's deliberate reset: if the incarnation held for {@code originSite} is {@code expected}, removes it
   * and all the origin's watermarks in one atomic write under the apply lock, so that the next incarnation to link
   * is adopted and its history is applied from seq 1. Values its entries wrote are kept (last-write-wins keeps
   * deciding against them). Empty, with nothing written, when another incarnation (or none) is held: the operator
   * named a history that is not the one here.
   */
  Optional<ForgottenOrigin> forgetIncarnation(String originSite, UUID expected);

  /**
   * A consistent point-in-time view of the whole store (values and marks of the same instant) for a snapshot resync;
   * blocking; the caller closes it. Applies go on meanwhile and are not in it. Closing the store releases the
   * snapshots still open.
   */
  StoreSnapshot openSnapshot();

  /**
   * Installs the marks of a snapshot this store received (after its values were written with {@link #repair}): in
   * one atomic write under the apply lock, for each origin: if this store holds an incarnation of the origin other
   * than the mark's, the origin is skipped (histories differ: never mixed); otherwise the mark's incarnation is adopted
   * when none is held, and each shard's watermark is raised to the mark's where that is higher (never lowered).
   * Writes nothing when nothing changes. Durable when it returns (per {@code durability}).
   */
  MarksInstalled installMarks(Map<String, OriginMarks> marks, Durability durability);

  /**
   * Removes tombstones of {@code originSite}'s deletes that every site of the mesh has applied and that are old
   * enough: those whose entry's seq is at most {@code stableSeqs} of its shard (shards absent: none) and whose version
   * is older than {@code olderThanHlc}. Each shard is looked at in seq order up to its first tombstone still too young
   * (those behind it wait for it), {@code max} index entries read at most in all (a collection round is bounded; the
   * next call goes on). Looked at without the apply lock, then checked again and removed in one atomic write under
   * it: applies wait only for a call that removes something. Live values are never removed; watermarks do not move,
   * so an entry at or below them (the delete's, or an older write's) re-delivered later is still skipped. After it,
   * {@link #get} finds nothing for a removed inode, the digest and snapshots leave it out, and the next apply to it
   * decides against nothing held. Returns how many were removed. {@link TombstonePlan} holds the rule and why both
   * conditions are needed.
   */
  long collectTombstones(String originSite, Map<Integer, Long> stableSeqs, long olderThanHlc, int max);

  /** Per-shard and overall digest of (inode id, version, tombstone, payload crc) in inode order. */
  default StoreDigest digest() {
    DigestBuilder digest = new DigestBuilder();
    scan(digest::add);
    return digest.build();
  }

  /**
   * What this site knows of each of {@code inodeIds} ({@link StoredValue#knowledgeWithSelf}), which may name an inode
   * more than once; inodes with no value are left out. The origin stamps each entry it takes with this
   * ({@link JournalEntry#withSeen}).
   */
  Map<Long, Seen> knowledge(Collection<Long> inodeIds);

  /** Conflicts recorded by apply, oldest first: those with an id above {@code afterId}, at most {@code limit}. */
  List<WriteConflict> conflicts(long afterId, int limit);

  /**
   * Collects conflict records: the oldest first, every one recorded before {@code olderThanMillis} and as many more
   * as leave at most {@code maxRecords}. Returns how many were removed.
   */
  long trimConflicts(long olderThanMillis, long maxRecords);

  @Override
  void close();
}
