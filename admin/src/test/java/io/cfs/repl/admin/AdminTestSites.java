package io.cfs.repl.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.admin.server.http.AdminSettings;
import io.cfs.repl.admin.server.http.Json;
import io.cfs.repl.admin.server.http.NodeExtension;
import io.cfs.repl.admin.server.https.HttpsSettings;
import io.cfs.repl.admin.server.metrics.Observability;
import io.cfs.repl.admin.tools.workload.EntryFactory;
import io.cfs.repl.admin.tools.workload.EntryShape;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.ReplicationNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Real nodes of several sites in this JVM, each a peer of every other over loopback, each with its admin HTTP (Pekko
 * Management with the replication routes) on a free port and reporting to Kamon, the way {@code cfs node} runs one.
 * Sites are started one by one, so a test can leave a peer down. Kamon is global to the JVM: every test uses these
 * settings (scrape endpoint on a free port, fast ticks, every trace sampled) and its own site names.
 */
public final class AdminTestSites implements AutoCloseable {
  public static final String TOKEN = "test-admin-token";

  private final Path dir;
  private final Map<String, Integer> linkPorts = new LinkedHashMap<>();
  private final Map<String, ReplicationNode> running = new LinkedHashMap<>();
  private final Map<String, URI> admin = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private AdminTestSites(Path dir, List<String> sites) throws IOException {
    this.dir = dir;
    for (String site : sites) linkPorts.put(site, LoopbackSites.freePort());
  }

  public static AdminTestSites of(Path dir, String... sites) throws IOException {
    return new AdminTestSites(dir, List.of(sites));
  }

  /**
   * Kamon's settings in tests: whichever test of a JVM starts Kamon first sets them for all (Kamon is global), so every
   * test that starts it uses these.
   */
  public static final Map<String, Object> OBSERVABILITY = Map.of("cfs-repl.metrics.prometheus.port", 0,
      "cfs-repl.metrics.tick-interval", "200ms", "cfs-repl.tracing.sampler", "always",
      "kamon.trace.tick-interval", "200ms");

  /** Starts a site with these keys over the test defaults (a token, fast backoff and lag refresh). */
  public ReplicationNode start(String site, Map<String, Object> overrides) throws Exception {
    Map<String, Object> c = LoopbackSites.nodeKeys(site, dir.resolve(site), linkPorts);
    c.put("cfs-repl.replicator.backoff.min", "50ms");
    c.put("cfs-repl.replicator.backoff.max", "500ms");
    c.put("cfs-repl.replicator.lag-refresh", "100ms");
    c.put("cfs-repl.admin.token", TOKEN);
    c.put("pekko.management.http.port", LoopbackSites.freePort());
    c.put("cfs-repl.journal-gc.interval", "200ms");
    c.putAll(OBSERVABILITY);
    c.putAll(overrides);
    Config config = NodeConfig.load(ConfigFactory.parseMap(c));
    ReplicationNode node = ReplicationNode.start(config, Observability.hooks(config));
    NodeExtension.of(node.system().classicSystem()).set(node);
    HttpsSettings https = HttpsSettings.create(config, AdminSettings.PATH);
    URI uri = URI.create(PekkoManagement.get(node.system().classicSystem()).start(https::applyTo)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).toString());
    running.put(site, node);
    admin.put(site, URI.create(https.scheme() + "://" + uri.getHost() + ":" + uri.getPort()));
    return node;
  }

  public ReplicationNode start(String site) throws Exception {
    return start(site, Map.of());
  }

  public ReplicationNode node(String site) {
    return running.get(site);
  }

  /** The admin base URL of a started site, e.g. http://127.0.0.1:40123. */
  public URI admin(String site) {
    return admin.get(site);
  }

  public HttpResponse<String> get(String site, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(admin(site).resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A POST with a JSON body and, when {@code token} is not null, a bearer token. */
  public HttpResponse<String> post(String site, String path, String body, String token) throws Exception {
    return send("POST", site, path, body, token);
  }

  /** A PUT with a JSON body and, when {@code token} is not null, a bearer token. */
  public HttpResponse<String> put(String site, String path, String body, String token) throws Exception {
    return send("PUT", site, path, body, token);
  }

  private HttpResponse<String> send(String method, String site, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(admin(site).resolve(path))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  /** The status of one peer link as {@code GET /replication/status} shows it. */
  public JsonNode peerStatus(String site, String peer) throws Exception {
    for (JsonNode p : json(get(site, "/replication/status")).path("peers")) {
      if (p.path("peer").asText().equals(peer)) return p;
    }
    throw new AssertionError(site + " shows no link to " + peer);
  }

  /** Appends {@code count} entries to a site's journal over 4 shards, continuing their heads; waits until durable. */
  public void append(String site, int count) throws Exception {
    ReplicationNode node = node(site);
    EntryFactory entries = new EntryFactory(new EntryShape(site, 4, 1, 400_000, 32, 42), node.journal()::headSeq);
    node.journal().append(entries.next(count)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Stops one site (its admin HTTP with it). */
  public void stop(String site) {
    ReplicationNode node = running.remove(site);
    if (node != null) node.close();
  }

  @Override
  public void close() {
    new ArrayList<>(running.keySet()).forEach(this::stop);
  }
}
