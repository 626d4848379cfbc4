package io.cfs.repl.it.client;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client of a node's ingest endpoint, the way a metadata service written in another language appends entries.
 *
 * <p>{@link #append} retries the very same batch until it is acknowledged: on 503 (after Retry-After), on request
 * timeouts and on connection errors (the node being down or restarting). This is safe because the endpoint is
 * idempotent for an accepted batch (its entries come back as duplicates), and it is required for a correct history:
 * a batch whose answer was lost may be durable, so giving up on it would leave entries in the journal that the test
 * never recorded. Only a 400 (refused, nothing written), a 409 {@code FENCED} (this site does not take writes now:
 * {@link FencedException}, naming the primary) or the retry deadline ends the loop with an exception.
 */
public final class IngestClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_RETRY_WAIT_MILLIS = 1_000;

  private final String node;
  private final URI base;

  public IngestClient(String node, int port) {
    this.node = node;
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** Thrown when the batch was not acknowledged before the retry deadline; it may or may not be durable. */
  public static final class IngestUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IngestUnavailableException(String message) {
      super(message);
    }
  }

  /** Appends a batch as JSON, retrying until it is acknowledged or {@code retryFor} has passed. */
  public IngestResult append(List<IngestEntry> entries, Duration retryFor) throws InterruptedException {
    return send(entries, "application/json",
        HttpRequest.BodyPublishers.ofString(Json.write(Map.of("entries", entries))), retryFor);
  }

  /** The same in the binary layout ({@code application/x-cfs-entries}), as a high-rate writer sends. */
  public IngestResult appendBinary(List<IngestEntry> entries, Duration retryFor) throws InterruptedException {
    return send(entries, BinaryBatch.MEDIA_TYPE, HttpRequest.BodyPublishers.ofByteArray(BinaryBatch.encode(entries)),
        retryFor);
  }

  private IngestResult send(List<IngestEntry> entries, String contentType, HttpRequest.BodyPublisher body,
                            Duration retryFor) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/journal/entries"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", contentType)
        .POST(body)
        .build();
    long deadline = System.nanoTime() + retryFor.toNanos();
    int attempts = 0;
    long backoff = 50;
    String last = "no attempt";
    while (true) {
      attempts++;
      long wait;
      try {
        HttpResponse<String> r = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return Json.read(r.body(), IngestResult.class).withAttempts(attempts);
        }
        if (r.statusCode() == 400) {
          IngestRejectedException.Error error = null;
          try {
            error = Json.read(r.body(), IngestRejectedException.Error.class);
          } catch (IllegalStateException notJson) {
            // the message carries the raw body
          }
          throw new IngestRejectedException(node, error, r.body());
        }
        if (r.statusCode() == 409) {
          // not the primary (active-passive): the same batch would be refused again; the caller picks a site
          throw new FencedException(node, Json.read(r.body(), FencedException.Body.class));
        }
        last = "HTTP " + r.statusCode() + " " + Json.abbreviate(r.body());
        wait = r.statusCode() == 503 ? retryAfterMillis(r) : backoff;
      } catch (IOException e) { // connection refused or reset, request timeout: the node is down or busy
        last = e.toString();
        wait = backoff;
      }
      if (System.nanoTime() + wait * 1_000_000 > deadline) {
        throw new IngestUnavailableException(node + ": batch of " + entries.size() + " entries (first "
            + (entries.isEmpty() ? "-" : entries.get(0)) + ") not acknowledged after " + attempts
            + " attempts in " + retryFor + "; last answer: " + last);
      }
      Thread.sleep(wait); // retry pacing, not synchronisation
      backoff = Math.min(MAX_RETRY_WAIT_MILLIS, backoff * 2);
    }
  }

  /** {@code GET /journal/heads}: per shard the highest durable seq of this site's own entries. */
  public Map<Integer, Long> heads() {
    try {
      HttpResponse<String> r = Http.CLIENT.send(HttpRequest.newBuilder(base.resolve("/journal/heads"))
          .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(node + ": GET /journal/heads answered " + r.statusCode() + ": "
            + Json.abbreviate(r.body()));
      }
      return new TreeMap<>(Json.MAPPER.readValue(r.body(), new TypeReference<Map<Integer, Long>>() { }));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(node + ": GET /journal/heads failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * {@code GET /journal/conflicts?after=N}: the site's write conflicts with an id above {@code after}, as server-sent
   * events arriving into the returned stream until it is closed.
   */
  public ConflictStream conflicts(long after) {
    return ConflictStream.open(node, base, after, null);
  }

  /**
   * The same stream resumed as an EventSource resumes it: header {@code Last-Event-ID: lastEventId}, which wins over
   * the query's {@code after=0} (sent as well).
   */
  public ConflictStream conflictsResumingAfter(long lastEventId) {
    return ConflictStream.open(node, base, 0, Long.toString(lastEventId));
  }

  /** True when {@code GET /journal/heads} answers 200 (the ingest endpoint is up). */
  public boolean up() {
    try {
      return Http.CLIENT.send(HttpRequest.newBuilder(base.resolve("/journal/heads")).timeout(Duration.ofSeconds(2))
          .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long retryAfterMillis(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").map(v -> {
      try {
        return Math.min(MAX_RETRY_WAIT_MILLIS, Math.max(10, (long) (Double.parseDouble(v.trim()) * 1000)));
      } catch (NumberFormatException e) {
        return 100L;
      }
    }).orElse(100L);
  }

  @Override
  public String toString() {
    return "ingest(" + node + " " + base + ")";
  }
}
