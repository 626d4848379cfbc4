package io.cfs.repl.admin.server.http;

import static io.cfs.repl.admin.AdminTestSites.TOKEN;
import static io.cfs.repl.admin.AdminTestSites.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.AdminTestSites;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication routes against real nodes (admin HTTP on Pekko Management, real links over loopback): what status,
 * lag and health show, pause / resume / sync, and every refusal (401, 403, 400, 404) changing nothing.
 */
@Tag("integration")
class ReplicationRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private AdminTestSites sites;

  @AfterEach
  void stop() {
    if (sites != null) sites.close();
  }

  private void awaitCaughtUp(String site, String peer, long acked) {
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode p = sites.peerStatus(site, peer);
      assertThat(p.path("state").asText()).isEqualTo("CONNECTED");
      assertThat(p.path("lagEntries").asLong()).isZero();
      assertThat(p.path("ackedEntries").asLong()).isGreaterThanOrEqualTo(acked);
      // the control link's first heartbeat may come after the data link caught up: health waits for it
      assertThat(p.path("health").asText()).isEqualTo("HEALTHY");
    });
  }

  /** Two sites up, and 100 entries of {@code a} acknowledged by {@code b}. */
  private void replicated100(String a, String b) throws Exception {
    sites = AdminTestSites.of(dir, a, b);
    sites.start(a);
    sites.start(b);
    sites.append(a, 100);
    awaitCaughtUp(a, b, 100);
  }

  @Test
  void statusShowsEachLinkWithHealthLagAndThroughput() throws Exception {
    replicated100("rt-a", "rt-b");

    JsonNode status = json(sites.get("rt-a", "/replication/status"));
    assertThat(status.path("site").asText()).isEqualTo("rt-a");
    assertThat(status.path("health").asText()).isEqualTo("HEALTHY");
    assertThat(status.path("role").asText()).isEqualTo("ACTIVE");
    assertThat(status.path("epoch").asLong()).isZero();
    JsonNode peer = status.path("peers").get(0);
    assertThat(peer.path("peer").asText()).isEqualTo("rt-b");
    assertThat(peer.path("health").asText()).isEqualTo("HEALTHY");
    assertThat(peer.path("healthReasons")).isEmpty();
    assertThat(peer.path("lagMillis").asLong()).isZero();
    assertThat(peer.path("oldestUnackedHlc").asLong()).isZero();
    assertThat(peer.path("ackedBatches").asLong()).isPositive();
    assertThat(peer.has("ackedEntriesPerSecond")).isTrue();
    assertThat(peer.get("disconnectedSinceMillis").isNull()).isTrue();
    assertThat(peer.get("clockSkewMillis").isNumber()).isTrue(); // measured from acks; one host, one clock
    assertThat(Math.abs(peer.get("clockSkewMillis").asLong())).isLessThan(1000);
    assertThat(peer.path("connection").asText()).isEqualTo("plain");
    assertThat(peer.has("lastError")).isTrue(); // may still name the refused dials from before rt-b started
    assertThat(peer.path("stoppedShards")).isEmpty();

    JsonNode lag = json(sites.get("rt-a", "/replication/lag"));
    assertThat(lag.path("peers").get(0).path("lagEntries").asLong()).isZero();
    assertThat(lag.path("peers").get(0).path("lagging").asBoolean()).isFalse();
    JsonNode health = json(sites.get("rt-b", "/replication/health"));
    assertThat(health.path("health").asText()).isEqualTo("HEALTHY");
    assertThat(health.path("thresholds").path("downAfterMillis").asLong()).isEqualTo(30_000);

    // what each store applied, per origin: rt-b applied rt-a's journal up to its heads, nothing of its own yet
    long headsOfA = sites.node("rt-a").journal().heads().values().stream().mapToLong(Long::longValue).sum();
    JsonNode marks = json(sites.get("rt-b", "/store/watermarks"));
    assertThat(marks.path("site").asText()).isEqualTo("rt-b");
    long appliedOfA = 0;
    for (JsonNode seq : marks.path("origins").path("rt-a")) appliedOfA += seq.asLong();
    assertThat(appliedOfA).isEqualTo(headsOfA).isEqualTo(100);
    assertThat(marks.path("origins").path("rt-b").size()).isZero();
  }

  @Test
  void aStuckLinkShowsRisingLagThenDegradedThenDown() throws Exception {
    sites = AdminTestSites.of(dir, "stuck-a", "stuck-b");
    sites.start("stuck-a", Map.of("cfs-repl.admin.health.degraded-lag", "300ms",
        "cfs-repl.admin.health.down-after", "1500ms", "cfs-repl.journal-gc.keep-entries", "0"));
    sites.append("stuck-a", 40);

    JsonNode first = json(sites.get("stuck-a", "/replication/lag")).path("peers").get(0);
    assertThat(first.path("lagEntries").asLong()).isEqualTo(40);
    long firstMillis = first.path("lagMillis").asLong();
    await().atMost(WAIT).until(() ->
        json(sites.get("stuck-a", "/replication/lag")).path("peers").get(0).path("lagMillis").asLong() > firstMillis);
    await().atMost(WAIT).until(() ->
        json(sites.get("stuck-a", "/replication/lag")).path("peers").get(0).path("lagging").asBoolean());

    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode health = json(sites.get("stuck-a", "/replication/health"));
      assertThat(health.path("health").asText()).isEqualTo("DOWN");
      JsonNode peer = health.path("peers").get(0);
      assertThat(peer.path("health").asText()).isEqualTo("DOWN");
      assertThat(peer.path("state").asText()).isIn("CONNECTING", "BACKOFF");
      assertThat(peer.path("reasons").toString()).contains("not connected for").contains("lag");
    });
    JsonNode status = sites.peerStatus("stuck-a", "stuck-b");
    assertThat(status.path("disconnectedSinceMillis").asLong()).isPositive();
    assertThat(status.path("lastError").asText()).isNotBlank();

    // the journal keeps every entry the peer has not acknowledged, and says who holds it
    JsonNode journal = json(sites.get("stuck-a", "/replication/status")).path("journal");
    assertThat(journal.path("collecting").asBoolean()).isTrue();
    assertThat(journal.path("entries").asLong()).isEqualTo(40);
    assertThat(journal.path("bytes").asLong()).isPositive();
    assertThat(journal.path("oldestHlc").asLong()).isPositive();
    assertThat(journal.path("oldestAgeMillis").asLong()).isGreaterThanOrEqualTo(firstMillis);
    assertThat(journal.path("horizonHeldBy").asText()).isEqualTo("stuck-b");
    assertThat(journal.path("horizonHeldByEntries").asLong()).isEqualTo(40);

    sites.start("stuck-b");
    awaitCaughtUp("stuck-a", "stuck-b", 40);
    await().atMost(WAIT).until(() ->
        json(sites.get("stuck-a", "/replication/health")).path("health").asText().equals("HEALTHY"));
    // acknowledged and applied: collected down to the newest entry of each of the 4 shards
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode collected = json(sites.get("stuck-a", "/replication/status")).path("journal");
      assertThat(collected.path("entries").asLong()).isEqualTo(4);
      assertThat(collected.get("horizonHeldBy").isNull()).isTrue();
      assertThat(collected.path("horizonHeldByEntries").asLong()).isZero();
    });
  }

  @Test
  void mutatingRoutesRefuseMissingOrWrongTokensAndChangeNothing() throws Exception {
    sites = AdminTestSites.of(dir, "auth-a", "auth-b");
    sites.start("auth-a");
    sites.start("auth-b", Map.of("cfs-repl.admin.token", ""));
    for (String path : new String[] {"/replication/peers/auth-b/pause", "/replication/sync"}) {
      HttpResponse<String> missing = sites.post("auth-a", path, "{\"force\":true}", null);
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
          .startsWith("Bearer"));
      assertThat(json(missing).path("error").asText()).isEqualTo("UNAUTHORIZED");
      HttpResponse<String> wrong = sites.post("auth-a", path, "{\"force\":true}", "not-the-token");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(json(wrong).path("message").asText()).contains("not valid");
    }
    // a refused request learns nothing about the peer either
    assertThat(sites.post("auth-a", "/replication/peers/nope/pause", "", "wrong").statusCode()).isEqualTo(401);
    assertThat(sites.peerStatus("auth-a", "auth-b").path("state").asText()).isNotEqualTo("PAUSED");

    HttpResponse<String> noTokenConfigured = sites.post("auth-b", "/replication/peers/auth-a/pause", "", TOKEN);
    assertThat(noTokenConfigured.statusCode()).isEqualTo(403);
    assertThat(json(noTokenConfigured).path("error").asText()).isEqualTo("FORBIDDEN");
    assertThat(json(noTokenConfigured).path("message").asText()).contains("cfs-repl.admin.token");
    assertThat(sites.peerStatus("auth-b", "auth-a").path("state").asText()).isNotEqualTo("PAUSED");
    // reads need no token
    assertThat(sites.get("auth-b", "/replication/status").statusCode()).isEqualTo(200);
  }

  @Test
  void badBodiesAndUnknownPeersAreRefusedWithAReason() throws Exception {
    sites = AdminTestSites.of(dir, "bad-a", "bad-b");
    sites.start("bad-a");
    Map<String, String> bodies = Map.of(
        "not json", "not JSON",
        "[true]", "JSON object",
        "{\"force\":\"yes\"}", "force must be true or false",
        "{\"force\":true,\"peer\":\"x\"}", "unknown field \"peer\"");
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      HttpResponse<String> response = sites.post("bad-a", "/replication/sync", body.getKey(), TOKEN);
      assertThat(response.statusCode()).as(body.getKey()).isEqualTo(400);
      assertThat(json(response).path("error").asText()).isEqualTo("BAD_REQUEST");
      assertThat(json(response).path("message").asText()).as(body.getKey()).contains(body.getValue());
    }
    HttpResponse<String> unknown = sites.post("bad-a", "/replication/peers/site-z/pause", "", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").asText()).isEqualTo("UNKNOWN_PEER");
    assertThat(json(unknown).path("message").asText()).contains("site-z").contains("bad-b");
    assertThat(sites.get("bad-a", "/replication/peers/bad-b/pause").statusCode()).isEqualTo(405);
  }

  @Test
  void failoverRoutesRefuseBadBodiesTokensAndActiveActiveSitesWithAReason() throws Exception {
    sites = AdminTestSites.of(dir, "fo-a", "fo-b");
    sites.start("fo-a");
    assertThat(sites.post("fo-a", "/replication/failover", "{\"to\":\"fo-b\"}", null).statusCode())
        .isEqualTo(401);
    Map<String, String> bodies = Map.of(
        "", "JSON object",
        "{\"force\":true}", "to must name the site",
        "{\"to\":\"fo-b\",\"force\":\"yes\"}", "force must be true or false",
        "{\"to\":\"fo-b\",\"now\":true}", "unknown field \"now\"");
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      HttpResponse<String> response = sites.post("fo-a", "/replication/failover", body.getKey(), TOKEN);
      assertThat(response.statusCode()).as(body.getKey()).isEqualTo(400);
      assertThat(json(response).path("message").asText()).as(body.getKey()).contains(body.getValue());
    }
    HttpResponse<String> activeActive = sites.post("fo-a", "/replication/failover", "{\"to\":\"fo-b\"}", TOKEN);
    assertThat(activeActive.statusCode()).isEqualTo(409);
    assertThat(json(activeActive).path("error").asText()).isEqualTo("FAILOVER_NOT_CONFIGURED");
    // no roles in active-active mode, but heartbeats still tell each peer's health: fo-b never started, so it is
    // UNKNOWN for down-after, then DOWN
    JsonNode failover = json(sites.get("fo-a", "/replication/failover"));
    assertThat(failover.path("mode").asText()).isEqualTo("active-active");
    assertThat(failover.path("role").asText()).isEqualTo("ACTIVE");
    assertThat(failover.path("acceptsWrites").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        json(sites.get("fo-a", "/replication/failover")).path("health").path("fo-b").asText()).isEqualTo("DOWN"));
    JsonNode status = json(sites.get("fo-a", "/replication/status"));
    assertThat(status.path("role").asText()).isEqualTo("ACTIVE");
    assertThat(status.path("epoch").asLong()).isZero();
  }

  @Test
  void applyLagCountsEveryAppliedEntryPerOriginAndResetsItsWindowWithTheToken() throws Exception {
    long before = System.currentTimeMillis();
    replicated100("al-a", "al-b");

    JsonNode lag = json(sites.get("al-b", "/replication/apply-lag"));
    assertThat(lag.path("sinceStart").path("al-a").path("count").asLong()).isEqualTo(100);
    assertThat(lag.path("sinceStart").path("al-a").path("p99Micros").asLong()).isPositive()
        .isLessThanOrEqualTo(lag.path("sinceStart").path("al-a").path("maxMicros").asLong());
    assertThat(lag.path("window").path("al-a").path("count").asLong()).isEqualTo(100);
    assertThat(lag.path("lastAppliedMillis").path("al-a").asLong()).as("when the last batch was applied")
        .isBetween(before, System.currentTimeMillis());
    assertThat(lag.has("seconds")).as("second by second only when asked").isFalse();
    // a resent batch is received again: at least every entry
    assertThat(lag.path("stages").path("window").path("received").path("al-a").path("entries").asLong())
        .isGreaterThanOrEqualTo(100);
    assertThat(json(sites.get("al-a", "/replication/apply-lag")).path("stages").path("window").path("shipped")
        .path("al-b").path("entries").asLong()).as("the origin's ages name the peer").isGreaterThanOrEqualTo(100);
    JsonNode bySecond = json(sites.get("al-b", "/replication/apply-lag?seconds=true"));
    assertThat(bySecond.path("overThresholdsMillis").get(0).asLong()).isEqualTo(1);
    long counted = 0;
    for (JsonNode second : bySecond.path("seconds").path("al-a")) {
      assertThat(second.path("epochSecond").asLong() * 1000).as("a second of the window")
          .isBetween(before / 1000 * 1000, System.currentTimeMillis());
      assertThat(second.path("over").size()).isEqualTo(bySecond.path("overThresholdsMillis").size());
      assertThat(second.path("over").get(0).asLong()).as("over 1 ms")
          .isLessThanOrEqualTo(second.path("count").asLong());
      counted += second.path("count").asLong();
    }
    assertThat(counted).as("every entry applied falls in one second").isEqualTo(100);

    assertThat(sites.post("al-b", "/replication/apply-lag/reset", "", null).statusCode()).isEqualTo(401);
    HttpResponse<String> reset = sites.post("al-b", "/replication/apply-lag/reset", "", TOKEN);
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(json(reset).path("window").path("al-a").path("count").asLong()).as("the window that ended")
        .isEqualTo(100);
    assertThat(json(reset).path("stages").path("window").path("received").path("al-a").path("entries").asLong())
        .as("its ages too").isGreaterThanOrEqualTo(100);
    JsonNode after = json(sites.get("al-b", "/replication/apply-lag"));
    assertThat(after.path("window").path("al-a").isMissingNode()).isTrue();
    assertThat(after.path("stages").path("window").path("received").isMissingNode()).as("ages restart too").isTrue();
    assertThat(after.path("sinceStart").path("al-a").path("count").asLong()).isEqualTo(100);
  }

  @Test
  void pauseThenResumeChangesTheLinkAndItsHealth() throws Exception {
    sites = AdminTestSites.of(dir, "pr-a", "pr-b");
    sites.start("pr-a");
    sites.start("pr-b");
    awaitCaughtUp("pr-a", "pr-b", 0);

    HttpResponse<String> paused = sites.post("pr-a", "/replication/peers/pr-b/pause", "", TOKEN);
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(json(paused).path("state").asText()).isEqualTo("PAUSED");
    assertThat(json(paused).path("health").asText()).isEqualTo("DEGRADED");
    sites.append("pr-a", 10);
    JsonNode whilePaused = sites.peerStatus("pr-a", "pr-b");
    assertThat(whilePaused.path("state").asText()).isEqualTo("PAUSED");
    assertThat(whilePaused.path("lagEntries").asLong()).isEqualTo(10);
    assertThat(json(sites.get("pr-a", "/replication/health")).path("peers").get(0).path("reasons").toString())
        .contains("paused");

    HttpResponse<String> resumed = sites.post("pr-a", "/replication/peers/pr-b/resume", "", TOKEN);
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(json(resumed).path("state").asText()).isIn("CONNECTING", "CONNECTED");
    awaitCaughtUp("pr-a", "pr-b", 10);
  }

  @Test
  void resyncIsRefusedWithoutTheTokenOrForAStrangerThenShipsTheSnapshotAndStatusShowsIt() throws Exception {
    replicated100("rs-a", "rs-b");
    String path = "/replication/peers/rs-b/resync";

    // every refusal starts nothing
    HttpResponse<String> missing = sites.post("rs-a", path, "", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).path("error").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(sites.post("rs-a", path, "", "wrong").statusCode()).isEqualTo(401);
    assertThat(sites.post("rs-a", "/replication/peers/nope/resync", "", "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> unknown = sites.post("rs-a", "/replication/peers/site-z/resync", "", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").asText()).isEqualTo("UNKNOWN_PEER");
    assertThat(json(unknown).path("message").asText()).contains("site-z").contains("rs-b");
    assertThat(sites.get("rs-a", path).statusCode()).isEqualTo(405);
    JsonNode untouched = sites.peerStatus("rs-a", "rs-b");
    assertThat(untouched.path("resync").isNull() || untouched.path("resync").isMissingNode())
        .as("no resync: %s", untouched.path("resync")).isTrue();

    HttpResponse<String> asked = sites.post("rs-a", path, "", TOKEN);
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
    assertThat(json(asked).path("peer").asText()).isEqualTo("rs-b");
    assertThat(json(asked).path("resync").path("phase").asText()).isIn("NEEDED", "RUNNING", "FINISHED");
    assertThat(json(asked).path("resync").path("reason").asText()).isEqualTo("requested by an operator");

    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode peer = sites.peerStatus("rs-a", "rs-b");
      assertThat(peer.path("resync").path("phase").asText()).isEqualTo("FINISHED");
      assertThat(peer.path("state").asText()).isEqualTo("CONNECTED");
    });
    JsonNode resync = sites.peerStatus("rs-a", "rs-b").path("resync");
    assertThat(resync.path("values").asLong()).isPositive();
    assertThat(resync.path("bytes").asLong()).isPositive();
    assertThat(resync.path("resyncId").asLong()).isPositive();
    assertThat(resync.path("finishedMillis").asLong()).isGreaterThanOrEqualTo(resync.path("startedMillis").asLong())
        .isPositive();
    await().atMost(WAIT).until(() -> json(sites.get("rs-b", "/replication/audit?kind=RESYNC_INSTALLED"))
        .path("records").size() == 1);
    // the peer held everything already: the snapshot changed nothing, and the tail goes on
    sites.append("rs-a", 10);
    awaitCaughtUp("rs-a", "rs-b", 10);
    assertThat(json(sites.get("rs-b", "/store/digest")).path("hash").asText())
        .isEqualTo(json(sites.get("rs-a", "/store/digest")).path("hash").asText());
  }

  @Test
  void throttleIsSetAndLiftedAtRuntimeRefusedWhenBadAndHoldsOverARestart() throws Exception {
    sites = AdminTestSites.of(dir, "th-a", "th-b");
    Map<String, Object> configured = Map.of("cfs-repl.node.peers.th-b.throttle", "1MiB");
    sites.start("th-a", configured);
    sites.start("th-b");
    awaitCaughtUp("th-a", "th-b", 0);
    assertThat(sites.peerStatus("th-a", "th-b").path("throttleBytesPerSecond").asLong()).isEqualTo(1L << 20);
    String path = "/replication/peers/th-b/throttle";

    // every refusal leaves the configured throttle in place
    assertThat(sites.post("th-a", path, "{\"bytesPerSecond\": 5}", null).statusCode()).isEqualTo(401);
    assertThat(sites.put("th-a", path, "{\"bytesPerSecond\": 5}", "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> unknown = sites.post("th-a", "/replication/peers/site-z/throttle",
        "{\"bytesPerSecond\": 5}", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").asText()).isEqualTo("UNKNOWN_PEER");
    assertThat(json(unknown).path("message").asText()).contains("site-z").contains("th-b");
    Map<String, String> bodies = Map.of(
        "{\"bytesPerSecond\": -1}", "must not be negative",
        "{\"bytesPerSecond\": \"fast\"}", "whole number",
        "{\"bytesPerSecond\": 1.5}", "whole number",
        "{}", "bytesPerSecond is required",
        "{\"bytesPerSecond\": 5, \"peer\": \"x\"}", "unknown field \"peer\"",
        "", "JSON object",
        "nope", "not JSON");
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      HttpResponse<String> response = sites.put("th-a", path, body.getKey(), TOKEN);
      assertThat(response.statusCode()).as(body.getKey()).isEqualTo(400);
      assertThat(json(response).path("error").asText()).isEqualTo("BAD_REQUEST");
      assertThat(json(response).path("message").asText()).as(body.getKey()).contains(body.getValue());
    }
    assertThat(sites.peerStatus("th-a", "th-b").path("throttleBytesPerSecond").asLong()).isEqualTo(1L << 20);
    assertThat(sites.get("th-a", path).statusCode()).isEqualTo(405);

    HttpResponse<String> set = sites.put("th-a", path, "{\"bytesPerSecond\": 2097152}", TOKEN);
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(json(set).path("peer").asText()).isEqualTo("th-b");
    assertThat(json(set).path("throttleBytesPerSecond").asLong()).isEqualTo(2_097_152);
    HttpResponse<String> lifted = sites.post("th-a", path, "{\"bytesPerSecond\": null}", TOKEN);
    assertThat(lifted.statusCode()).as(lifted.body()).isEqualTo(200);
    assertThat(json(lifted).path("throttleBytesPerSecond").asLong()).isZero();
    sites.append("th-a", 20);
    awaitCaughtUp("th-a", "th-b", 20);

    // the operator's value (unlimited) wins over the configured 1 MiB/s after a restart
    sites.stop("th-a");
    sites.start("th-a", configured);
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode p = sites.peerStatus("th-a", "th-b");
      assertThat(p.path("state").asText()).isEqualTo("CONNECTED");
      assertThat(p.path("throttleBytesPerSecond").asLong()).isZero();
    });
  }

  @Test
  void syncReconnectsOrRestartsLinksAndKeepsReplicating() throws Exception {
    sites = AdminTestSites.of(dir, "sync-a", "sync-b");
    sites.start("sync-a");
    sites.start("sync-b");
    awaitCaughtUp("sync-a", "sync-b", 0);

    JsonNode plain = json(sites.post("sync-a", "/replication/sync", "", TOKEN));
    assertThat(plain.path("force").asBoolean()).isFalse();
    assertThat(plain.path("peers").get(0).path("action").asText()).isEqualTo("NONE");

    HttpResponse<String> forced = sites.post("sync-a", "/replication/sync", "{\"force\": true}", TOKEN);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    JsonNode peer = json(forced).path("peers").get(0);
    assertThat(peer.path("peer").asText()).isEqualTo("sync-b");
    assertThat(peer.path("action").asText()).isEqualTo("RESTARTED");
    assertThat(peer.path("state").asText()).isEqualTo("CONNECTING");
    sites.append("sync-a", 25);
    awaitCaughtUp("sync-a", "sync-b", 25);
  }
}
