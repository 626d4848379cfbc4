package io.cfs.repl.persistence.journal;

/**
 * A read asked for entries the journal no longer holds: they were collected once every peer had acknowledged them and
 * the local apply had passed them ({@link LocalJournal#collect}). Thrown instead of answering with what is held from
 * further on, so that a reader this far behind can never skip the collected entries without noticing; such a reader
 * (a peer whose cursor fell behind the horizon) needs a snapshot resync, not the journal.
 */
public final class JournalCollectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int shard;
  private final long fromSeq;
  private final long horizon;

  /**
   * @param horizon the lowest seq of the shard still held, 0 when the read could not tell (everything from
   *     {@code fromSeq} on was collected while it ran)
   */
  public JournalCollectedException(String site, int shard, long fromSeq, long horizon) {
    super("journal of " + site + ": shard " + shard + " from seq " + fromSeq + " was collected ("
        + (horizon > 0 ? "the lowest seq held is " + horizon : "collected while it was read")
        + "); a reader this far behind needs a snapshot resync");
    this.shard = shard;
    this.fromSeq = fromSeq;
    this.horizon = horizon;
  }

  public int shard() {
    return shard;
  }

  /** The first seq the read asked for. */
  public long fromSeq() {
    return fromSeq;
  }

  /** The lowest seq of the shard still held; 0 when unknown. */
  public long horizon() {
    return horizon;
  }

  /** The journal's refusal if {@code failure} is one or wraps one (a stream's or a future's wrapper), else null. */
  public static JournalCollectedException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JournalCollectedException collected) return collected;
    }
    return null;
  }
}
