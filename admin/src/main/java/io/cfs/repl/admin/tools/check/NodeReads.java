package io.cfs.repl.admin.tools.check;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cfs.repl.admin.tools.https.HttpClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The admin API reads of a check, each with a timeout, so a node that hangs fails its read instead of the check.
 * A read that does not answer 200 throws.
 */
final class NodeReads {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;

  /** @param cacert the CA an https node's certificate must chain to; null for the JDK's */
  NodeReads(Path cacert) {
    http = HttpClients.builder(cacert).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** One outgoing link as {@code GET /replication/status} shows it. */
  record Link(String site, String peer, String state, long lagEntries, String lastError, JsonNode stoppedShards) {
    @Override
    public String toString() {
      return site + "->" + peer + "{" + state + " lag=" + lagEntries
          + (stoppedShards.isEmpty() ? "" : " stopped=" + stoppedShards)
          + (lastError == null ? "" : " lastError=" + lastError) + "}";
    }
  }

  List<Link> links(String site, URI node) {
    List<Link> links = new ArrayList<>();
    for (JsonNode p : get(node, "/replication/status").path("peers")) {
      links.add(new Link(site, p.path("peer").asText(), p.path("state").asText(), p.path("lagEntries").asLong(-1),
          p.path("lastError").isTextual() ? p.path("lastError").asText() : null, p.path("stoppedShards")));
    }
    return links;
  }

  Digest digest(URI node) {
    return Digest.of(get(node, "/store/digest"));
  }

  /** Per origin site, per shard, the highest seq the node's store applied. */
  Map<String, Map<Integer, Long>> watermarks(URI node) {
    return JSON.convertValue(get(node, "/store/watermarks").path("origins"),
        new TypeReference<Map<String, Map<Integer, Long>>>() { });
  }

  /** {@code GET /store/inodes/{id}}, answered whatever its status (404: the inode is not held). */
  CompletableFuture<HttpResponse<String>> inode(URI node, long inodeId) {
    return http.sendAsync(request(node, "/store/inodes/" + inodeId), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode parse(String body) throws IOException {
    return JSON.readTree(body);
  }

  private JsonNode get(URI node, String path) {
    try {
      HttpResponse<String> r = http.send(request(node, path), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException(node + path + " answered " + r.statusCode());
      return parse(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(node + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + node + path, e);
    }
  }

  private static HttpRequest request(URI node, String path) {
    return HttpRequest.newBuilder(node.resolve(path)).timeout(TIMEOUT).GET().build();
  }
}
