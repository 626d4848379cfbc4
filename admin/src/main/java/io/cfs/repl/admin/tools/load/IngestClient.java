package io.cfs.repl.admin.tools.load;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.model.entry.JournalEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A client of a node's ingest listener, as a metadata service in another process would be. */
interface IngestClient extends AutoCloseable {

  /** Completes with the node's answer once the batch is durable; fails if the node refused it. */
  CompletableFuture<IngestResponse> send(List<JournalEntry> batch);

  @Override
  void close();

  /** {@code GET /journal/heads}: the highest seq the node holds per shard, so a writer can continue from there. */
  static Map<Integer, Long> heads(HttpClient http, URI node, String token) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(authorized(HttpRequest.newBuilder(node.resolve("/journal/heads")),
        token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET /journal/heads answered " + response.statusCode() + ": "
          + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return IngestJson.MAPPER.readValue(response.body(), new TypeReference<Map<Integer, Long>>() { });
  }

  static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
    return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
  }
}
