package io.cfs.repl.admin.tools.replication;

import static io.cfs.repl.admin.AdminTestSites.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.admin.server.http.Json;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.concurrent.CompletableFuture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cfs admin replication ...} against real nodes: tables and JSON, and the exit codes (0 ok, 1 unhealthy or
 * lagging, 2 usage / connection / request error, 3 authentication). cli-a and cli-b replicate for the whole class;
 * a test that needs a dead peer starts its own site whose peer never starts.
 */
@Tag("integration")
class ReplicationCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static AdminTestSites sites;
  private static Path tokenFile;
  private static Path wrongTokenFile;

  /** What one run printed and returned. */
  private record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    sites = AdminTestSites.of(dir, "cli-a", "cli-b");
    sites.start("cli-a");
    sites.start("cli-b");
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    wrongTokenFile = Files.writeString(dir.resolve("wrong-token"), "nope\n");
    sites.append("cli-a", 30);
    await().atMost(WAIT).until(() -> sites.peerStatus("cli-a", "cli-b").path("health").asText().equals("HEALTHY")
        && sites.peerStatus("cli-a", "cli-b").path("lagEntries").asLong() == 0);
  }

  @AfterAll
  static void stop() {
    sites.close();
  }

  private static Run cfs(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Cfs());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run admin(String site, String... args) {
    List<String> all = new ArrayList<>(List.of("admin", "replication"));
    all.addAll(List.of(args));
    all.add("--url");
    all.add(sites.admin(site).toString());
    return cfs(all.toArray(String[]::new));
  }

  @Test
  void statusPrintsATableAndExitsZeroWhenHealthy() {
    Run run = admin("cli-a", "status");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("site cli-a  health HEALTHY").contains("PEER").contains("LAG ENTRIES");
    assertThat(run.out().lines().filter(l -> l.startsWith("cli-b")).findFirst().orElseThrow())
        .contains("CONNECTED").contains("HEALTHY").contains("plain");
    assertThat(run.out().lines().filter(l -> l.startsWith("journal ")).findFirst().orElseThrow())
        .contains("entries").contains("collection on");
  }

  @Test
  void jsonIsTheNodesAnswer() throws Exception {
    Run run = admin("cli-a", "status", "--json");
    assertThat(run.code()).isZero();
    JsonNode status = run.json();
    assertThat(status.path("site").asText()).isEqualTo("cli-a");
    assertThat(status.path("peers").get(0).path("ackedEntries").asLong()).isGreaterThanOrEqualTo(30);
    Run health = admin("cli-b", "health", "--json");
    assertThat(health.code()).isZero();
    assertThat(health.json().path("health").asText()).isEqualTo("HEALTHY");
  }

  @Test
  void lagWatchRedrawsInPlaceForCountDraws() {
    Run run = admin("cli-a", "lag", "--watch", "--count", "3", "--interval", "100ms");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out().split("\u001b\\[H\u001b\\[2J", -1)).hasSize(4); // three clears, each followed by a draw
    assertThat(run.out()).contains("Ctrl-C").contains("cli-b").contains("LAGGING");
    Run once = admin("cli-a", "lag");
    assertThat(once.out()).doesNotContain("\u001b[");
    assertThat(once.out().lines().filter(l -> l.startsWith("cli-b")).findFirst().orElseThrow()).endsWith("no");
  }

  /**
   * A value planted in cli-b's store only (as a damaged or diverged store would hold it): verify lists it with its
   * winner and exits 1, a repair ships it to cli-a (audited there) and exits 0, and a second verify finds nothing.
   */
  @Test
  void verifyListsADifferenceAndRepairShipsTheWinner() throws Exception {
    long inode = 9_000_001;
    ReplicationNode b = sites.node("cli-b");
    StoredValue planted = new StoredValue(inode, 0, new Version(Long.MAX_VALUE / 2, "cli-b"), Op.CREATE, false, 1,
        "planted".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    CompletableFuture.supplyAsync(() -> b.store().repair(List.of(planted), Durability.SYNC), b.storageExecutor())
        .get(30, java.util.concurrent.TimeUnit.SECONDS);

    Run noToken = admin("cli-a", "verify", "--peer", "cli-b");
    assertThat(noToken.code()).isEqualTo(3);
    Run unknown = admin("cli-a", "verify", "--peer", "cli-x", "--token-file", tokenFile.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("404").contains("not a peer");

    Run found = admin("cli-a", "verify", "--peer", "cli-b", "--token-file", tokenFile.toString(), "--poll", "50ms");
    assertThat(found.code()).as(found.out() + found.err()).isEqualTo(1);
    assertThat(found.out()).contains("1 differ");
    assertThat(found.out().lines().filter(l -> l.startsWith(Long.toString(inode))).findFirst().orElseThrow())
        .contains("-").endsWith("cli-b");

    Run repaired = admin("cli-a", "verify", "--peer", "cli-b", "--repair", "--json", "--token-file",
        tokenFile.toString(), "--poll", "50ms");
    assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
    assertThat(repaired.json().path("repairedHere").asLong()).isEqualTo(1);
    await().atMost(WAIT).until(() -> AdminTestSites.json(sites.get("cli-a",
        "/replication/audit?kind=REPAIRED&inode=" + inode)).path("records").size() == 1);
    Run again = admin("cli-a", "verify", "--peer", "cli-b", "--token-file", tokenFile.toString(), "--poll", "50ms");
    assertThat(again.code()).as(again.out()).isZero();
    assertThat(again.out()).contains(", 0 differ");
  }

  @Test
  void mutatingCommandsNeedTheToken() {
    Run missing = admin("cli-a", "pause", "--peer", "cli-b");
    assertThat(missing.code()).as(missing.err()).isEqualTo(3);
    assertThat(missing.err()).contains("401");
    Run wrong = admin("cli-a", "sync", "--force", "--token-file", wrongTokenFile.toString());
    assertThat(wrong.code()).isEqualTo(3);
    assertThat(wrong.err()).contains("not valid");
  }

  @Test
  void pauseResumeAndSyncWithTheToken() throws Exception {
    Run paused = admin("cli-b", "pause", "--peer", "cli-a", "--token-file", tokenFile.toString());
    assertThat(paused.code()).as(paused.err()).isZero();
    assertThat(paused.out()).contains("cli-a: PAUSED (health DEGRADED)");
    Run unhealthy = admin("cli-b", "health");
    assertThat(unhealthy.code()).isEqualTo(1);
    assertThat(unhealthy.out()).contains("site cli-b: DEGRADED").contains("paused by an operator");
    Run status = admin("cli-b", "status");
    assertThat(status.code()).isEqualTo(1);

    Run resumed = admin("cli-b", "resume", "--peer", "cli-a", "--token-file", tokenFile.toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    await().atMost(WAIT).until(() -> admin("cli-b", "health").code() == 0);

    Run sync = admin("cli-b", "sync", "--force", "--token-file", tokenFile.toString());
    assertThat(sync.code()).as(sync.err()).isZero();
    assertThat(sync.out()).contains("sync --force").contains("RESTARTED");
    await().atMost(WAIT).until(() -> admin("cli-b", "health").code() == 0);
  }

  @Test
  void resyncNeedsTheTokenAndAPeerThenStatusShowsItsProgressUntilFinished() throws Exception {
    String token = tokenFile.toString();
    Run noToken = admin("cli-b", "resync", "--peer", "cli-a");
    assertThat(noToken.code()).isEqualTo(3);
    assertThat(noToken.err()).contains("401");
    Run stranger = admin("cli-b", "resync", "--peer", "site-z", "--token-file", token);
    assertThat(stranger.code()).isEqualTo(2);
    assertThat(stranger.err()).contains("404").contains("site-z");
    Run usage = admin("cli-b", "resync", "--token-file", token);
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("--peer");

    Run resync = admin("cli-b", "resync", "--peer", "cli-a", "--token-file", token);
    assertThat(resync.code()).as(resync.err()).isZero();
    List<String> lines = resync.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("cli-a: ").contains("(health ");
    assertThat(lines.get(1)).matches("cli-a: snapshot resync (NEEDED|RUNNING|FINISHED) \\(requested by an operator\\):"
        + " [0-9,]+ values, [0-9,]+ payload bytes acknowledged");

    await().atMost(WAIT).untilAsserted(() -> {
      Run status = admin("cli-b", "status");
      assertThat(status.code()).as(status.out()).isZero();
      assertThat(status.out()).contains("cli-a: snapshot resync FINISHED (requested by an operator): ");
    });
    JsonNode finished = admin("cli-b", "status", "--json").json().path("peers").get(0).path("resync");
    assertThat(finished.path("phase").asText()).isEqualTo("FINISHED");
    assertThat(finished.path("values").asLong()).isPositive();
    Run again = admin("cli-b", "resync", "--peer", "cli-a", "--json", "--token-file", token);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.json().path("resync").path("phase").asText()).as("another run").isIn("NEEDED", "RUNNING",
        "FINISHED");
    await().atMost(WAIT).until(() -> admin("cli-b", "status").out()
        .contains("cli-a: snapshot resync FINISHED") && admin("cli-b", "health").code() == 0);
    assertThat(admin("cli-b", "status", "--json").json().path("peers").get(0).path("resync").path("resyncId")
        .asLong()).as("a run of its own").isGreaterThan(finished.path("resyncId").asLong());
  }

  @Test
  void throttleSetsAndLiftsTheLimitAndRefusesBadRatesBeforeSending() throws Exception {
    String token = tokenFile.toString();
    Run set = admin("cli-b", "throttle", "--peer", "cli-a", "--rate", "2MiB", "--token-file", token);
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("cli-a: throttle 2.0 MiB/s");
    Run status = admin("cli-b", "status");
    assertThat(status.out()).contains("THROTTLE").contains("WIRE/S");
    assertThat(status.out().lines().filter(l -> l.startsWith("cli-a")).findFirst().orElseThrow())
        .contains("2.0 MiB/s");

    for (String bad : new String[] {"-1", "fast", "2 parsecs"}) {
      Run refused = admin("cli-b", "throttle", "--peer", "cli-a", "--rate", bad, "--token-file", token);
      assertThat(refused.code()).as(bad).isEqualTo(2);
      assertThat(refused.err()).as(bad).contains("--rate");
    }
    Run unknown = admin("cli-b", "throttle", "--peer", "site-z", "--rate", "1MiB", "--token-file", token);
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("404").contains("site-z");
    Run noToken = admin("cli-b", "throttle", "--peer", "cli-a", "--rate", "1MiB");
    assertThat(noToken.code()).isEqualTo(3);
    assertThat(sites.peerStatus("cli-b", "cli-a").path("throttleBytesPerSecond").asLong()).isEqualTo(2L << 20);

    Run lifted = admin("cli-b", "throttle", "--peer", "cli-a", "--rate", "off", "--json", "--token-file", token);
    assertThat(lifted.code()).as(lifted.err()).isZero();
    assertThat(lifted.json().path("throttleBytesPerSecond").asLong()).isZero();
    assertThat(admin("cli-b", "status").out().lines().filter(l -> l.startsWith("cli-a")).findFirst().orElseThrow())
        .contains("off");
  }

  @Test
  void auditShowsTheLinkEventsAsATableAndAsJson() throws Exception {
    await().atMost(WAIT).until(() -> admin("cli-a", "audit", "--filter", "link_up").out().contains("LINK_UP"));
    Run table = admin("cli-a", "audit", "--since", "1 hour ago", "--filter", "link_up,LINK_DOWN", "--site", "cli-b");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("site cli-a: ").contains("newest first").contains("KIND").contains("DETAIL");
    assertThat(table.out().lines().filter(l -> l.contains("LINK_UP")).findFirst().orElseThrow())
        .contains("cli-b").contains("connected to 127.0.0.1:");

    Run json = admin("cli-a", "audit", "--since", "1 hour ago", "--filter", "link_up", "--limit", "1", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.json().path("site").asText()).isEqualTo("cli-a");
    assertThat(json.json().path("records")).singleElement().satisfies(r -> {
      assertThat(r.path("kind").asText()).isEqualTo("LINK_UP");
      assertThat(r.path("peer").asText()).isEqualTo("cli-b");
    });
    Run future = admin("cli-a", "audit", "--since", "2999-01-01T00:00:00Z");
    assertThat(future.code()).isZero();
    assertThat(future.out()).contains("site cli-a: 0 records");

    Run badKind = admin("cli-a", "audit", "--filter", "sideways");
    assertThat(badKind.code()).isEqualTo(2);
    assertThat(badKind.err()).contains("400").contains("unknown kind 'sideways'");
  }

  @Test
  void forgetIncarnationForgetsOnlyTheHistoryHeldAndNeedsItsId() {
    // the live link's history is held: forgetting another id is refused and changes nothing
    String other = java.util.UUID.randomUUID().toString();
    Run notHeld = admin("cli-b", "forget-incarnation", "--peer", "cli-a", "--incarnation", other, "--token-file",
        tokenFile.toString());
    assertThat(notHeld.code()).isEqualTo(2);
    assertThat(notHeld.err()).contains("409").contains("does not hold incarnation " + other + " of cli-a");
    Run badId = admin("cli-b", "forget-incarnation", "--peer", "cli-a", "--incarnation", "yesterday",
        "--token-file", tokenFile.toString());
    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err()).contains("400").contains("?incarnation=");
    Run noId = admin("cli-b", "forget-incarnation", "--peer", "cli-a", "--token-file", tokenFile.toString());
    assertThat(noId.code()).isEqualTo(2);
    assertThat(noId.err()).contains("--incarnation");
    Run stranger = admin("cli-b", "forget-incarnation", "--peer", "site-z", "--incarnation", other,
        "--token-file", tokenFile.toString());
    assertThat(stranger.err()).contains("404").contains("site-z");
    assertThat(admin("cli-b", "health").code()).isZero();
  }

  @Test
  void requestAndConnectionErrorsExitTwo() {
    Run unknownPeer = admin("cli-a", "pause", "--peer", "site-z", "--token-file", tokenFile.toString());
    assertThat(unknownPeer.code()).isEqualTo(2);
    assertThat(unknownPeer.err()).contains("404").contains("site-z");
    Run unreachable = cfs("admin", "replication", "status", "--url", "http://127.0.0.1:1");
    assertThat(unreachable.code()).isEqualTo(2);
    assertThat(unreachable.err()).contains("cannot reach the admin API");
    Run usage = admin("cli-a", "pause");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("--peer");
    Run noSubcommand = cfs("admin", "replication");
    assertThat(noSubcommand.code()).isEqualTo(2);
    Run missingFile = admin("cli-a", "sync", "--token-file", dir.resolve("absent").toString());
    assertThat(missingFile.code()).isEqualTo(2);
    assertThat(missingFile.err()).contains("token file");
  }

  @Test
  void aLinkToASiteThatIsDownIsUnhealthy() throws Exception {
    try (AdminTestSites lonely = AdminTestSites.of(dir.resolve("lonely"), "cli-x", "cli-y")) {
      lonely.start("cli-x", Map.of("cfs-repl.admin.health.down-after", "300ms"));
      await().atMost(WAIT).until(() -> lonely.peerStatus("cli-x", "cli-y").path("health").asText().equals("DOWN"));
      List<String> args = List.of("admin", "replication", "health", "--url", lonely.admin("cli-x").toString());
      Run health = cfs(args.toArray(String[]::new));
      assertThat(health.code()).isEqualTo(1);
      assertThat(health.out()).contains("site cli-x: DOWN").contains("not connected for");
    }
  }
}
