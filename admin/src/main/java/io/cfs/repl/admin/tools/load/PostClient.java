package io.cfs.repl.admin.tools.load;

import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.admin.wire.JsonBatch;
import io.cfs.repl.model.entry.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends JSON batches with {@code POST /journal/entries}, one request per batch. A 503 BUSY (the node has enough
 * appends in flight) is retried after the Retry-After the node asked for: the batch was not looked at, so it is safe.
 */
final class PostClient implements IngestClient {
  private final HttpClient http;
  private final URI entries;
  private final String token;

  PostClient(HttpClient http, URI node, String token) {
    this.http = http;
    this.entries = node.resolve("/journal/entries");
    this.token = token;
  }

  @Override
  public CompletableFuture<IngestResponse> send(List<JournalEntry> batch) {
    HttpRequest request = IngestClient.authorized(HttpRequest.newBuilder(entries), token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JsonBatch.encode(batch)))
        .build();
    return post(request);
  }

  private CompletableFuture<IngestResponse> post(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenCompose(response -> {
      if (response.statusCode() == 503 && isBusy(response.body())) {
        long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
        return CompletableFuture.supplyAsync(() -> request, CompletableFuture.delayedExecutor(seconds,
            TimeUnit.SECONDS)).thenCompose(this::post);
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException("node refused the batch (HTTP " + response.statusCode() + "): "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      try {
        return CompletableFuture.completedFuture(IngestJson.MAPPER.readValue(response.body(), IngestResponse.class));
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable answer from the node", e);
      }
    });
  }

  /** BUSY passes; CLOSED means the node is going away, and waiting for it would hang the writer. */
  private static boolean isBusy(byte[] body) {
    try {
      return "BUSY".equals(IngestJson.MAPPER.readTree(body).path("error").asText());
    } catch (IOException unreadable) {
      return false;
    }
  }

  @Override
  public void close() {
    // Nothing held between requests: the HttpClient belongs to the caller.
  }
}
