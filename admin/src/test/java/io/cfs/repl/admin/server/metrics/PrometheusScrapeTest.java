package io.cfs.repl.admin.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.AdminTestSites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the real Prometheus endpoint after two sites replicated: the cfs_repl_* series with their site / peer /
 * origin labels are there, with the values the replication produced.
 */
@Tag("integration")
class PrometheusScrapeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void replicationShowsUpInTheScrape() throws Exception {
    try (AdminTestSites sites = AdminTestSites.of(dir, "prom-a", "prom-b")) {
      sites.start("prom-a");
      sites.start("prom-b");
      sites.append("prom-a", 200);
      await().atMost(WAIT).until(() -> sites.peerStatus("prom-a", "prom-b").path("ackedEntries").asLong() >= 200
          && sites.peerStatus("prom-a", "prom-b").path("lagEntries").asLong() == 0);

      URI endpoint = URI.create("http://127.0.0.1:" + KamonRuntime.running().orElseThrow().prometheusPort()
          .orElseThrow() + "/metrics");
      String a = "site=\"prom-a\",peer=\"prom-b\"";
      await().atMost(WAIT).untilAsserted(() -> {
        String scrape = scrape(endpoint);
        assertThat(value(scrape, "cfs_repl_appended_entries_total", "site=\"prom-a\"")).isEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_append_batch_entries_count", "site=\"prom-a\"")).isPositive();
        assertThat(value(scrape, "cfs_repl_append_latency_seconds_count", "site=\"prom-a\"")).isEqualTo(1.0);
        assertThat(value(scrape, "cfs_repl_shipped_entries_total", a)).isGreaterThanOrEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_shipped_bytes_total", a)).isPositive();
        assertThat(value(scrape, "cfs_repl_acked_entries_total", a)).isGreaterThanOrEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_ack_latency_seconds_count", a)).isPositive();
        assertThat(value(scrape, "cfs_repl_shipped_batch_entries_count", a)).isPositive();
        assertThat(value(scrape, "cfs_repl_lag_entries", a)).isEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_lag_seconds", a)).isEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_link_state", a + ",state=\"CONNECTED\"")).isEqualTo(1.0);
        assertThat(value(scrape, "cfs_repl_link_state", a + ",state=\"BACKOFF\"")).isEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_compression_ratio", a + ",direction=\"sent\"")).isPositive();
        assertThat(value(scrape, "cfs_repl_frames_wire_bytes_total", a + ",direction=\"sent\"")).isPositive();
        String b = "site=\"prom-b\",origin=\"prom-a\"";
        assertThat(value(scrape, "cfs_repl_applied_entries_total", b)).isEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_applied_bytes_total", b)).isPositive();
        assertThat(value(scrape, "cfs_repl_apply_time_seconds_count", b)).isPositive();
        assertThat(value(scrape, "cfs_repl_conflicts_total", b)).isEqualTo(0.0);
        // how old the entries were when shipped and when received, each batch counted once per entry
        assertThat(value(scrape, "cfs_repl_entry_age_seconds_count", a + ",stage=\"shipped\""))
            .isGreaterThanOrEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_entry_age_seconds_sum", b + ",stage=\"received\"")).isPositive();
        // the local apply of prom-a's own journal
        assertThat(value(scrape, "cfs_repl_applied_entries_total", "site=\"prom-a\",origin=\"prom-a\""))
            .isEqualTo(200.0);
        assertThat(scrape).contains("cfs_repl_append_latency_seconds_bucket{site=\"prom-a\",le=\"0.05\"}");
        assertThat(value(scrape, "cfs_repl_frames_raw_bytes_total", "site=\"prom-b\",direction=\"received\""))
            .isPositive();
        // the audit trail: the links' LINK_UP records were written; nothing was dropped
        assertThat(value(scrape, "cfs_repl_audit_records_total", "site=\"prom-a\",kind=\"LINK_UP\""))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(value(scrape, "cfs_repl_audit_dropped_total", "site=\"prom-a\"")).isEqualTo(0.0);
        // journal GC's rounds: every entry is held (fewer than keep-entries per shard), nobody holds the horizon back
        assertThat(value(scrape, "cfs_repl_journal_gc_rounds_total", "site=\"prom-a\",outcome=\"collected\""))
            .isPositive();
        assertThat(value(scrape, "cfs_repl_journal_collected_entries_total", "site=\"prom-a\"")).isEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_journal_entries", "site=\"prom-a\"")).isEqualTo(200.0);
        assertThat(value(scrape, "cfs_repl_journal_bytes", "site=\"prom-a\"")).isPositive();
        assertThat(value(scrape, "cfs_repl_journal_oldest_entry_age_seconds", "site=\"prom-a\""))
            .isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_journal_horizon_behind_entries", a)).isEqualTo(0.0);
        assertThat(value(scrape, "cfs_repl_journal_horizon_holder", a)).isEqualTo(0.0);
        assertThat(dashboardMetrics()).allSatisfy(family -> assertThat(scrape).as(family).contains(family));
        assertThat(value(scrape, "cfs_repl_link_throttle_bytes_per_second", a)).isEqualTo(0.0); // unlimited
      });
      sites.node("prom-a").throttle("prom-b", 2_097_152, WAIT).toCompletableFuture().get();
      await().atMost(WAIT).untilAsserted(() -> assertThat(
          value(scrape(endpoint), "cfs_repl_link_throttle_bytes_per_second", a)).isEqualTo(2_097_152.0));
    }
  }

  /**
   * Every cfs_repl_* series the Grafana dashboard queries (docs/grafana/cfs-repl.json), except the error counters,
   * which only exist once an error happened.
   */
  private static Set<String> dashboardMetrics() throws Exception {
    String dashboard = Files.readString(Path.of("..", "docs", "grafana", "cfs-repl.json"));
    Set<String> families = new TreeSet<>();
    Matcher m = Pattern.compile("cfs_repl_[a-z_]+").matcher(dashboard);
    while (m.find()) families.add(m.group());
    families.removeIf(f -> f.startsWith("cfs_repl_errors") || f.startsWith("cfs_repl_append_rejected"));
    assertThat(families).hasSizeGreaterThan(10);
    return families;
  }

  private String scrape(URI endpoint) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PrometheusEndpoint.CONTENT_TYPE);
    return response.body();
  }

  /** The value of the series {@code name{labels}} (labels in the order the reporter writes them). */
  private static double value(String scrape, String name, String labels) {
    String series = name + "{" + labels + "}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    if (!m.find()) throw new AssertionError("no series " + series + " in the scrape");
    return Double.parseDouble(m.group(1));
  }
}
