package io.cfs.repl.admin.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every refused ingest request, and of the last message on a stream that ends in error.
 *
 * @param error what went wrong: MALFORMED, BAD_CRC, WRONG_ORIGIN, GAP, REGRESSION, CONFLICTING_DUPLICATE,
 *     PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE (400), UNAUTHORIZED (401), REQUEST_TOO_LARGE (413),
 *     UNSUPPORTED_MEDIA_TYPE (415), INTERNAL (500), BUSY or CLOSED (503)
 * @param shard the shard of the entry the error is about; null when no entry is to blame
 * @param seq the seq of that entry; null likewise
 * @param message for a human
 * @param batch on a stream, the 0-based index of the refused batch; absent on POST
 */
public record IngestError(String error, Integer shard, Long seq, String message,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long batch) {
}
