package io.cfs.repl.it.client;

/**
 * The ingest endpoint refused a batch (HTTP 400, nothing written): retrying the same batch cannot succeed.
 *
 * @see IngestClient#append
 */
public final class IngestRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The 400 body: {@code {"error":"GAP"|...,"shard":..,"seq":..,"message":..}}. */
  public record Error(String error, Integer shard, Long seq, String message) {
  }

  private final transient Error error;

  IngestRejectedException(String node, Error error, String body) {
    super(node + " refused the batch: " + (error == null ? body : error));
    this.error = error;
  }

  public Error error() {
    return error;
  }
}
