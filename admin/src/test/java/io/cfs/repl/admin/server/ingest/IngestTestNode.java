package io.cfs.repl.admin.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.admin.wire.JsonBatch;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.engine.epoch.WriteGate;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real node of site-a, whose one peer (site-b) does not exist, with ingest listeners on free ports, and an HTTP
 * client for them. The config is built the way the engine's TestSites builds it.
 */
public final class IngestTestNode implements AutoCloseable {
  public static final String SITE = "site-a";

  public final ReplicationNode node;
  /** Ingest refusals counted by error, as the metrics see them. */
  final Map<String, Integer> refusals;
  /** The node's writes refused on a full volume, counted by storage (journal, store), as the metrics see them. */
  final Map<String, Integer> storageFull;
  private final ReplicationMetrics metrics;
  final HttpClient http = HttpClient.newHttpClient();
  private final List<IngestServer> servers = new ArrayList<>();

  private IngestTestNode(ReplicationNode node, Counting metrics) {
    this.node = node;
    this.metrics = metrics;
    this.refusals = metrics.refusals;
    this.storageFull = metrics.storageFull;
  }

  /** The node's and the listeners' metrics, counted. */
  private static final class Counting implements ReplicationMetrics {
    final Map<String, Integer> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, Integer> storageFull = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onIngestRefused(String reason) {
      refusals.merge(reason, 1, Integer::sum);
    }

    @Override
    public void onStorageFull(String storage) {
      storageFull.merge(storage, 1, Integer::sum);
    }
  }

  public static IngestTestNode start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** As {@link #start(Path)}, with these config keys over the node's. */
  public static IngestTestNode start(Path dataDir, Map<String, Object> keys) throws Exception {
    Map<String, Object> c = new HashMap<>(LoopbackSites.nodeKeys(SITE, dataDir,
        Map.of(SITE, LoopbackSites.freePort(), "site-b", LoopbackSites.freePort())));
    c.putAll(keys);
    Counting metrics = new Counting();
    return new IngestTestNode(ReplicationNode.start(NodeConfig.load(ConfigFactory.parseMap(c)),
        NodeHooks.NONE.withMetrics(metrics)), metrics);
  }

  /** The listener started last. */
  IngestServer lastServer() {
    return servers.get(servers.size() - 1);
  }

  /** Starts an ingest listener on a free port with these cfs-repl.ingest keys over the defaults; its base URI. */
  public URI listen(Map<String, Object> ingestKeys) throws Exception {
    return listen(ingestKeys, node.journal());
  }

  /** As {@link #listen(Map)}, appending through {@code journal} (a test double in front of the node's). */
  URI listen(Map<String, Object> ingestKeys, LocalJournal journal) throws Exception {
    Map<String, Object> keys = new HashMap<>();
    ingestKeys.forEach((k, v) -> keys.put(IngestSettings.PATH + "." + k, v));
    keys.put(IngestSettings.PATH + ".port", 0);
    IngestSettings settings = IngestSettings.create(
        ConfigFactory.parseMap(keys).withFallback(node.system().settings().config()));
    IngestServer server = IngestServer.start(node.system(), journal, node::conflicts, node.storageExecutor(),
        settings, metrics, node.applyLag().ages()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    servers.add(server);
    return URI.create(settings.https().scheme() + "://127.0.0.1:" + server.port());
  }

  /**
   * Closes the node's write gate as a secondary's would: appends fail with the typed error naming {@code primary}
   * (null: unknown) and {@code epoch}. {@link #unfence} reopens it.
   */
  void fence(String primary, long epoch) {
    node.epochs().install(() -> {
      throw new NotPrimaryException(primary, epoch, SITE + " is not the primary in epoch " + epoch
          + (primary == null ? "; no primary known" : "; the primary is " + primary));
    }, new HighestEpochSeen(epoch));
  }

  /** The node's gate as with no failover: every append admitted at epoch 0. */
  void unfence() {
    node.epochs().install(WriteGate.open(0), new HighestEpochSeen(0));
  }

  public Map<Integer, Long> heads() {
    return node.journal().heads();
  }

  HttpResponse<String> post(URI base, String contentType, byte[] body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/journal/entries"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postJson(URI base, List<JournalEntry> entries) throws Exception {
    return post(base, "application/json", JsonBatch.encode(entries), null);
  }

  HttpResponse<String> postBinary(URI base, List<JournalEntry> entries) throws Exception {
    return post(base, BinaryBatch.MEDIA_TYPE, BinaryBatch.encode(entries), null);
  }

  HttpResponse<String> get(URI base, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Entries seq {@code from..to} of a shard, the same every time they are asked for. */
  public static List<JournalEntry> entries(int shard, long from, long to) {
    List<JournalEntry> entries = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      entries.add(JournalEntry.of(SITE, shard, seq, 1_000_000 + seq, Op.WRITE, shard * 1000L + seq, 1,
          ("inode record " + shard + "/" + seq).getBytes(StandardCharsets.UTF_8)));
    }
    return entries;
  }

  static JsonNode json(String body) throws IOException {
    return IngestJson.MAPPER.readTree(body);
  }

  /** A durable answer: written, duplicates, the heads of the touched shards, and the site's clock. */
  static void assertAccepted(HttpResponse<String> response, int written, int duplicates, Map<Integer, Long> heads)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    IngestResponse answer = IngestJson.MAPPER.readValue(response.body(), IngestResponse.class);
    assertThat(answer.hlc()).as("the site's hlc").isPositive();
    assertThat(answer).isEqualTo(new IngestResponse(written, duplicates, heads, answer.hlc(), null));
  }

  /** A typed refusal naming the entry (or null) it is about. */
  static void assertRefused(HttpResponse<String> response, int status, String error, Integer shard, Long seq)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(response.body());
    assertThat(body.path("error").asText()).as(response.body()).isEqualTo(error);
    assertThat(body.get("shard").isNull() ? null : body.get("shard").asInt()).as("shard").isEqualTo(shard);
    assertThat(body.get("seq").isNull() ? null : body.get("seq").asLong()).as("seq").isEqualTo(seq);
    assertThat(body.path("message").asText()).isNotBlank();
  }

  @Override
  public void close() {
    servers.forEach(IngestServer::close);
    node.close();
  }
}
