package io.cfs.repl.admin.server.http;

import static io.cfs.repl.admin.AdminTestSites.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.StoppedShard;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /replication/events}: what one event holds (from the same status as {@code GET /replication/status}),
 * that a failed ask is sent as an "unavailable" event without ending the stream, and that a stream's asks stop when
 * its client goes away.
 */
@Tag("integration")
class StatusEventsTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final AdminSettings SETTINGS = new AdminSettings("", Duration.ofSeconds(5), Duration.ofSeconds(5),
      1_000, Duration.ofSeconds(30), Duration.ofMillis(500));

  @TempDir
  Path dir;

  private AdminTestSites sites;
  private ActorSystem<Void> system;

  @AfterEach
  void stop() {
    if (sites != null) sites.close();
    if (system != null) system.terminate();
  }

  private static StatusView view() {
    ReplicatorStatus paused = new ReplicatorStatus("a", "b", LinkState.PAUSED, NOW - 10, null, 40,
        (NOW - 2_000) * 1_000_000, 500, 5, List.of(new StoppedShard(3, 7, 9, NOW)), NOW - 10, NOW, 12.5, null, null,
        null, 64_000, 2048.4, "plain", null, 0, 0, null);
    return new StatusView("a", "ACTIVE", 0L, null, null, Health.DEGRADED, List.of(),
        List.of(StatusView.PeerView.of(paused, SETTINGS, NOW)), new StatusView.NodeView("cfs@a:1", List.of(), NOW),
        null);
  }

  @Test
  void anEventIsTheLinksOfTheStatusInShort() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "events");
    List<ServerSentEvent> events = StatusEvents.events(() -> CompletableFuture.completedFuture(view()),
        Duration.ofMillis(20)).take(2).runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(events).hasSize(2);
    assertThat(events.get(0).getEventType()).isEmpty();
    assertThat(events.get(0).getRetry()).hasValue(1_000);
    JsonNode event = Json.MAPPER.readTree(events.get(0).getData());
    assertThat(events.get(0).getData()).doesNotContain("\n"); // one data line per event
    assertThat(event.path("site").asText()).isEqualTo("a");
    assertThat(event.path("role").asText()).isEqualTo("ACTIVE");
    assertThat(event.path("health").asText()).isEqualTo("DEGRADED");
    assertThat(event.path("atMillis").asLong()).isEqualTo(NOW);
    JsonNode link = event.path("links").get(0);
    assertThat(link.path("peer").asText()).isEqualTo("b");
    assertThat(link.path("state").asText()).isEqualTo("PAUSED");
    assertThat(link.path("paused").asBoolean()).isTrue();
    assertThat(link.path("health").asText()).isEqualTo("DEGRADED");
    assertThat(link.path("reasons").toString()).contains("paused by an operator").contains("shard(s) stopped");
    assertThat(link.path("lagEntries").asLong()).isEqualTo(40);
    assertThat(link.path("lagMillis").asLong()).isEqualTo(2_000);
    assertThat(link.path("entriesPerSecond").asDouble()).isEqualTo(12.5);
    assertThat(link.path("bytesPerSecond").asDouble()).isEqualTo(2048.0);
    assertThat(link.path("stoppedShards").get(0).path("shard").asInt()).isEqualTo(3);
  }

  @Test
  void aFailedAskIsSentAsUnavailableAndTheStreamGoesOn() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "events");
    AtomicInteger asks = new AtomicInteger();
    List<ServerSentEvent> events = StatusEvents.events(() -> asks.incrementAndGet() == 1
            ? CompletableFuture.failedFuture(new IllegalStateException("replicators away"))
            : CompletableFuture.completedFuture(view()), Duration.ofMillis(20))
        .take(2).runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(events.get(0).getEventType()).hasValue(StatusEvents.UNAVAILABLE);
    assertThat(Json.MAPPER.readTree(events.get(0).getData()).path("message").asText()).contains("replicators away");
    assertThat(events.get(1).getEventType()).isEmpty();
  }

  @Test
  void theAsksStopWhenTheClientGoesAway() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "events");
    AtomicInteger asks = new AtomicInteger();
    StatusEvents.events(() -> {
      asks.incrementAndGet();
      return CompletableFuture.completedFuture(view());
    }, Duration.ofMillis(20)).take(3).runWith(Sink.ignore(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);

    int atCancel = asks.get();
    assertThat(atCancel).isBetween(3, 4); // the third, and at most one more already asked when the client left
    // at one ask per 20 ms a running source would ask ~25 more times in this half second
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> asks.get() == atCancel);
  }

  @Test
  void theRouteStreamsEveryLinkOfARealNode() throws Exception {
    sites = AdminTestSites.of(dir, "ev-a", "ev-b");
    sites.start("ev-a", java.util.Map.of("cfs-repl.admin.events.interval", "100ms"));
    sites.start("ev-b");
    sites.append("ev-a", 50);

    HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        sites.admin("ev-a").resolve("/replication/events")).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    List<JsonNode> events = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      // the link connects and acknowledges the 50 entries while the stream runs: events follow the link
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.startsWith("data:")) continue;
        events.add(Json.MAPPER.readTree(line.substring("data:".length())));
        JsonNode link = events.get(events.size() - 1).path("links").get(0);
        if (link.path("state").asText().equals("CONNECTED") && link.path("lagEntries").asLong() == 0) break;
      }
    }
    assertThat(events.size()).as("events until the link caught up").isGreaterThanOrEqualTo(1);
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.path("site").asText()).isEqualTo("ev-a");
    assertThat(last.path("links").get(0).path("peer").asText()).isEqualTo("ev-b");
    assertThat(last.path("links").get(0).path("health").asText()).isEqualTo("HEALTHY");
    JsonNode status = sites.peerStatus("ev-a", "ev-b");
    assertThat(status.path("ackedBytes").asLong()).as("bytes of the 50 entries' batches").isPositive();
    assertThat(status.has("ackedBytesPerSecond")).isTrue();
    assertThat(json(sites.get("ev-a", "/replication/status")).path("peers").get(0).path("state").asText())
        .isEqualTo(last.path("links").get(0).path("state").asText());
  }
}
