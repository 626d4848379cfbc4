package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.FencedException;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.SiteCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the multi-process failover tests share: the active-passive config and how they read roles and the trail. */
final class Failovers {
  static final String TOKEN = "it-failover-token";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Failovers() {
  }

  /** Active-passive with the shipped timing, {@code primary} the primary of epoch 0; mutating routes need TOKEN. */
  static String activePassive(String primary) {
    return "cfs-repl.failover { mode = \"active-passive\", initial-primary = \"" + primary + "\" }\n"
        + "cfs-repl.admin.token = \"" + TOKEN + "\"";
  }

  /** The site whose node admits writes now (its status says PRIMARY), if exactly one does; empty otherwise. */
  static Optional<String> primaryNow(SiteCluster cluster) {
    List<String> primaries = cluster.statuses().entrySet().stream()
        .filter(e -> "PRIMARY".equals(e.getValue().role())).map(Map.Entry::getKey).toList();
    return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
  }

  /**
   * Waits until one site takes writes: the initial primary, unless the others took longer than down-after to start
   * (a loaded machine) and the voters elected another one.
   */
  static String awaitPrimary(SiteCluster cluster) {
    return await("a primary").atMost(TIMEOUT).ignoreExceptions()
        .until(() -> primaryNow(cluster).orElse(null), p -> p != null);
  }

  static Status status(SiteCluster cluster, String site) {
    return cluster.admin(site).status();
  }

  /** An append to {@code site} is refused with FENCED naming {@code primary}; nothing is written. */
  static void assertFenced(SiteCluster cluster, String site, String primary) {
    IngestEntry probe = IngestEntry.of(site, 0, cluster.ingest(site).heads().getOrDefault(0, 0L) + 1,
        System.currentTimeMillis() * 1_000_000, "WRITE", 1, "probe".getBytes(StandardCharsets.UTF_8));
    await(site + " refuses appends naming " + primary).atMost(TIMEOUT).untilAsserted(() ->
        assertThatThrownBy(() -> cluster.ingest(site).append(List.of(probe), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(FencedException.class, f -> assertThat(f.primary()).isEqualTo(primary)));
  }

  /** The audit records of these kinds every running site holds since {@code sinceMillis}. */
  static List<AuditEntry> audit(SiteCluster cluster, long sinceMillis, String... kinds) {
    return cluster.sites().stream().filter(cluster::isUp)
        .flatMap(s -> cluster.admin(s).audit(sinceMillis, kinds).stream()).toList();
  }

  /** When a running site first recorded {@code peer} DOWN since {@code sinceMillis}; waits for the record. */
  static long firstDownMillis(SiteCluster cluster, String peer, long sinceMillis) {
    return await(peer + " DOWN in the trail").atMost(TIMEOUT).ignoreExceptions().until(() ->
        audit(cluster, sinceMillis, "HEALTH_CHANGED").stream()
            .filter(r -> peer.equals(r.peer()) && "DOWN".equals(r.attribute("health")))
            .mapToLong(AuditEntry::atMillis).min().orElse(-1), t -> t >= 0);
  }

  /** When {@code site} recorded its promotion since {@code sinceMillis}; waits for the record. */
  static long promotedMillis(SiteCluster cluster, String site, long sinceMillis) {
    return auditedMillis(cluster, site, "PROMOTED", sinceMillis);
  }

  /** When {@code site} first recorded a {@code kind} since {@code sinceMillis}; waits for the record. */
  static long auditedMillis(SiteCluster cluster, String site, String kind, long sinceMillis) {
    return await(site + " " + kind + " in the trail").atMost(TIMEOUT).ignoreExceptions().until(() ->
        cluster.admin(site).audit(sinceMillis, kind).stream().mapToLong(AuditEntry::atMillis).min()
            .orElse(-1), t -> t >= 0);
  }

  /** Waits until {@code site}'s resolver sees {@code peer} (a site or the witness) as {@code health}. */
  static void awaitHealth(SiteCluster cluster, String site, String peer, String health) {
    await(site + " sees " + peer + " " + health).atMost(TIMEOUT).ignoreExceptions()
        .until(() -> health.equals(cluster.admin(site).failover().health().get(peer)));
  }
}
