package io.cfs.repl.persistence.store;

/**
 * How durable an apply must be before it returns. Whatever is asked, an apply that records a write conflict is durable
 * when it returns: a conflict's id, once seen (the conflict feed, whose subscribers resume after an id), must not be
 * lost by a crash and then given to another conflict. Conflicts are rare; the fsync they cost is too.
 */
public enum Durability {
  /** fsync'd before returning: required when the caller acknowledges the entries to someone else (a peer). */
  SYNC,
  /**
   * Written to the write-ahead log without fsync. Safe only when the entries can be re-read from a durable source
   * (this site's own journal): the watermark is in the same log record as the values, so after an OS crash the
   * store recovers to a consistent prefix and the applier resumes from its watermark.
   */
  ASYNC,
  /**
   * Visible to reads when the apply returns, durable once a later {@link MetadataStore#sync} returns: for a caller
   * that acknowledges only after that sync (a peer's batches), so that readers here need not wait for the fsync and
   * the next apply runs while it is under way. A store whose writes cannot be made durable after the fact commits
   * each such write as {@link #SYNC}.
   */
  LATER
}
