package io.cfs.repl.admin.wire;

import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.time.Duration;

/**
 * An ingest request refused as a whole: nothing of it was written. Names its HTTP status and the typed error; its
 * body on the wire is {@link IngestError}.
 */
public final class IngestRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final Integer shard;
  private final Long seq;
  private final String primary;
  private final Long epoch;

  public IngestRejection(int status, String error, Integer shard, Long seq, String message) {
    this(status, error, shard, seq, message, null, null);
  }

  private IngestRejection(int status, String error, Integer shard, Long seq, String message, String primary,
                          Long epoch) {
    super(message);
    this.status = status;
    this.error = error;
    this.shard = shard;
    this.seq = seq;
    this.primary = primary;
    this.epoch = epoch;
  }

  /**
   * 409 FENCED: this site does not accept writes now (not PRIMARY, or fenced by a higher epoch); the client should
   * write to {@code primary} (null: unknown yet, retry later) instead. Names no entry: the whole batch was refused.
   */
  public static IngestRejection fenced(String primary, long epoch, String message) {
    return new IngestRejection(409, "FENCED", null, null, message, primary, epoch);
  }

  public static IngestRejection malformed(String message, Integer shard, Long seq) {
    return new IngestRejection(400, "MALFORMED", shard, seq, message);
  }

  public static IngestRejection badCrc(int shard, long seq, String message) {
    return new IngestRejection(400, Reason.BAD_CRC.name(), shard, seq, message);
  }

  public static IngestRejection batchTooLarge(int count, int max, Integer shard, Long seq) {
    return new IngestRejection(400, Reason.BATCH_TOO_LARGE.name(), shard, seq,
        count + " entries in one request, at most " + max);
  }

  /**
   * 507 INSUFFICIENT_STORAGE: the volume of this node's journal is full, nothing of the batch was written. The
   * message names the data dir to free space on; the same batch is accepted once space frees.
   */
  public static IngestRejection insufficientStorage(String message) {
    return new IngestRejection(507, "INSUFFICIENT_STORAGE", null, null, message);
  }

  /**
   * 507 JOURNAL_FULL: the journal is past its retention cap and the cap refuses writes
   * ({@code cfs-repl.journal-gc.cap-policy = refuse-writes}); nothing of the batch was written. The same batch is
   * accepted once the peers catch up and the journal is collected back under the cap.
   */
  public static IngestRejection journalFull(String message) {
    return new IngestRejection(507, "JOURNAL_FULL", null, null, message);
  }

  public static IngestRejection requestTooLarge(long max) {
    return new IngestRejection(413, "REQUEST_TOO_LARGE", null, null, "body larger than " + max + " bytes");
  }

  public static IngestRejection busy(int maxInFlight, long retryAfterSeconds) {
    return new IngestRejection(503, "BUSY", null, null, maxInFlight + " appends in flight; retry after "
        + retryAfterSeconds + " s");
  }

  public static IngestRejection requestTimeout(Duration bodyReadTimeout) {
    return new IngestRejection(408, "REQUEST_TIMEOUT", null, null, "the body did not arrive within "
        + bodyReadTimeout.toMillis() + " ms (cfs-repl.ingest.body-read-timeout); nothing was written");
  }

  public static IngestRejection tooManyConnections(int max) {
    return new IngestRejection(503, "TOO_MANY_CONNECTIONS", null, null, max
        + " ingest connections are open (cfs-repl.ingest.max-connections); retry after one closes");
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public Integer shard() {
    return shard;
  }

  public Long seq() {
    return seq;
  }

  /** With FENCED, the site that accepts writes, or null if unknown; null with any other error. */
  public String primary() {
    return primary;
  }

  /** With FENCED, the highest epoch this site knows; null with any other error. */
  public Long epoch() {
    return epoch;
  }

  /** Whether the same request may succeed later unchanged (answered with Retry-After). */
  public boolean retryable() {
    return status == 503;
  }

  public IngestError body(Long batch) {
    return new IngestError(error, shard, seq, getMessage(), batch, primary, epoch);
  }

  @Override
  public String toString() {
    return error + " shard=" + shard + " seq=" + seq + (epoch == null ? "" : " primary=" + primary + " epoch=" + epoch)
        + ": " + getMessage();
  }
}
