package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;

/**
 * What the store holds for one inode: the winning version, its operation and payload, tombstone or not; the seq of the
 * entry that wrote it (in its origin's shard); what that entry's writer had seen of the inode ({@code seen}); and what
 * this site knows of the inode's writes ({@code knowledge}: every write applied here, winners and losers, and what
 * their writers had seen). Both vectors are kept {@linkplain Seen#beyond beyond} the value's own write (its origin and
 * seq), so they are empty for an inode only one site writes.
 */
public record StoredValue(long inodeId, int shard, Version version, Op op, boolean tombstone, int schemaVersion,
                          byte[] payload, long seq, Seen seen, Seen knowledge) {

  /**
   * A value's version, op and payload are never absent. Values also arrive from peers (a verification's fetched
   * values and repairs): one decoded without a version once passed here whenever its two vectors were absent too,
   * and failed later, far from the decoder, when the vectors were filled in.
   */
  public StoredValue {
    if (version == null) throw new IllegalArgumentException("the value of inode " + inodeId + " has no version");
    if (op == null) throw new IllegalArgumentException("the value of inode " + inodeId + " has no op");
    if (payload == null) throw new IllegalArgumentException("the value of inode " + inodeId + " has no payload");
    seen = seen == null ? Seen.NONE : seen.beyond(version.originSite(), seq);
    knowledge = knowledge == null ? Seen.NONE : knowledge.beyond(version.originSite(), seq);
  }

  /** A value with no seq and nothing seen or known beyond its own version (repairs in tests, tools). */
  public StoredValue(long inodeId, int shard, Version version, Op op, boolean tombstone, int schemaVersion,
                     byte[] payload) {
    this(inodeId, shard, version, op, tombstone, schemaVersion, payload, 0, Seen.NONE, Seen.NONE);
  }

  /** Every write of the inode this site knows, this value's included. */
  public Seen knowledgeWithSelf() {
    return knowledge.with(version.originSite(), seq);
  }

  /** The same value with {@code known} added to what this site knows of the inode. */
  StoredValue withKnowledge(Seen known) {
    return new StoredValue(inodeId, shard, version, op, tombstone, schemaVersion, payload, seq, seen, known);
  }
}
