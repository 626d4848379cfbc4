package io.cfs.repl.admin.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every refused ingest request, and of the last message on a stream that ends in error.
 *
 * @param error what went wrong: MALFORMED, BAD_CRC, WRONG_ORIGIN, GAP, REGRESSION, CONFLICTING_DUPLICATE, CLOCK_AHEAD,
 *     PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE (400), UNAUTHORIZED (401), REQUEST_TIMEOUT (408), FENCED (409),
 *     REQUEST_TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415), INTERNAL (500), BUSY, TOO_MANY_CONNECTIONS or CLOSED (503),
 *     INSUFFICIENT_STORAGE (507: the journal's volume is full; retry once space frees), JOURNAL_FULL (507: the
 *     journal is past its retention cap, which refuses writes; retry once the peers catch up)
 * @param shard the shard of the entry the error is about; null when no entry is to blame
 * @param seq the seq of that entry; null likewise
 * @param message for a human
 * @param batch on a stream, the 0-based index of the refused batch; absent on POST
 * @param primary with FENCED: the site that accepts writes, to redirect to; absent with any other error, and with
 *     FENCED while this site knows no primary
 * @param epoch with FENCED: the highest epoch this site knows; absent with any other error
 */
public record IngestError(String error, Integer shard, Long seq, String message,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long batch,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String primary,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long epoch) {

  /** An error that names no primary and no epoch (any but FENCED). */
  public IngestError(String error, Integer shard, Long seq, String message, Long batch) {
    this(error, shard, seq, message, batch, null, null);
  }
}
