package io.cfs.repl.persistence.journal;

/** An append refused as a whole; nothing of it was written. Names the shard and seq it is about. */
public final class AppendRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an append was refused. */
  public enum Reason { WRONG_ORIGIN, GAP, REGRESSION, CONFLICTING_DUPLICATE, BAD_CRC, PAYLOAD_TOO_LARGE,
    BATCH_TOO_LARGE, CLOCK_AHEAD, CLOSED }

  private final Reason reason;
  private final int shard;
  private final long seq;

  public AppendRejectedException(Reason reason, int shard, long seq, String message) {
    super(reason + " (shard " + shard + ", seq " + seq + "): " + message);
    this.reason = reason;
    this.shard = shard;
    this.seq = seq;
  }

  public Reason reason() {
    return reason;
  }

  public int shard() {
    return shard;
  }

  public long seq() {
    return seq;
  }
}
