package io.cfs.repl.admin.ingest;

import io.cfs.repl.persistence.journal.AppendRejectedException;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/** An ingest request refused as a whole: nothing of it was written. Names its HTTP status and the typed error. */
final class IngestRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final Integer shard;
  private final Long seq;

  IngestRejection(int status, String error, Integer shard, Long seq, String message) {
    super(message);
    this.status = status;
    this.error = error;
    this.shard = shard;
    this.seq = seq;
  }

  static IngestRejection malformed(String message, Integer shard, Long seq) {
    return new IngestRejection(400, "MALFORMED", shard, seq, message);
  }

  static IngestRejection badCrc(int shard, long seq, String message) {
    return new IngestRejection(400, Reason.BAD_CRC.name(), shard, seq, message);
  }

  static IngestRejection batchTooLarge(int count, int max, Integer shard, Long seq) {
    return new IngestRejection(400, Reason.BATCH_TOO_LARGE.name(), shard, seq,
        count + " entries in one request, at most " + max);
  }

  static IngestRejection requestTooLarge(long max) {
    return new IngestRejection(413, "REQUEST_TOO_LARGE", null, null, "body larger than " + max + " bytes");
  }

  static IngestRejection busy(int maxInFlight, long retryAfterSeconds) {
    return new IngestRejection(503, "BUSY", null, null, maxInFlight + " appends in flight; retry after "
        + retryAfterSeconds + " s");
  }

  static IngestRejection requestTimeout(java.time.Duration bodyReadTimeout) {
    return new IngestRejection(408, "REQUEST_TIMEOUT", null, null, "the body did not arrive within "
        + bodyReadTimeout.toMillis() + " ms (cfs-repl.ingest.body-read-timeout); nothing was written");
  }

  static IngestRejection tooManyConnections(int max) {
    return new IngestRejection(503, "TOO_MANY_CONNECTIONS", null, null, max
        + " ingest connections are open (cfs-repl.ingest.max-connections); retry after one closes");
  }

  /** The typed rejection behind any failure of an ingest: the journal's refusals keep their reason, shard and seq. */
  static IngestRejection of(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof IngestRejection rejection) return rejection;
    if (cause instanceof AppendRejectedException refused) {
      // A closed journal is a node shutting down: another node, or this one restarted, may take the batch.
      int status = refused.reason() == Reason.CLOSED ? 503 : 400;
      return new IngestRejection(status, refused.reason().name(), refused.shard(), refused.seq(),
          refused.getMessage());
    }
    if (cause instanceof EntityStreamSizeException tooLarge) return requestTooLarge(tooLarge.limit());
    return new IngestRejection(500, "INTERNAL", null, null, String.valueOf(cause));
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  Integer shard() {
    return shard;
  }

  Long seq() {
    return seq;
  }

  /** Whether the same request may succeed later unchanged (answered with Retry-After). */
  boolean retryable() {
    return status == 503;
  }

  IngestError body(Long batch) {
    return new IngestError(error, shard, seq, getMessage(), batch);
  }

  @Override
  public String toString() {
    return error + " shard=" + shard + " seq=" + seq + ": " + getMessage();
  }
}
