package io.cfs.repl.admin.server.http;

import static io.cfs.repl.admin.AdminTestSites.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /replication/audit} on a real node whose trail holds records handed to it: newest first, paged with
 * {@code after}, each filter, and every bad parameter refused with a 400 that changes nothing. The peer never starts,
 * so its link records nothing of its own.
 */
@Tag("integration")
class AuditRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int RECORDS = 30;
  /** An hour ago: within max-age, so a collection during the test keeps every record. */
  private static final long T0 = System.currentTimeMillis() - 3_600_000;

  @TempDir
  static Path dir;
  private static AdminTestSites sites;

  @BeforeAll
  static void start() throws Exception {
    sites = AdminTestSites.of(dir, "au-a", "au-b");
    sites.start("au-a");
    for (int i = 0; i < RECORDS; i++) {
      AuditKind kind = i % 3 == 0 ? AuditKind.LINK_DOWN : AuditKind.LINK_UP;
      AuditRecord r = AuditRecord.of(kind, T0 + i * 1000L, "au-a", kind + " number " + i);
      if (i % 2 == 0) r = r.withPeer("au-b");
      if (i % 5 == 0) r = r.withInode(100 + i).withPosition(i % 4, (long) i);
      sites.node("au-a").audit().record(r);
    }
    await().atMost(WAIT).until(() -> all("").size() == RECORDS);
  }

  @AfterAll
  static void stop() {
    sites.close();
  }

  private static HttpResponse<String> audit(String query) throws Exception {
    return sites.get("au-a", "/replication/audit" + (query.isEmpty() ? "" : "?" + query));
  }

  /** The {@code i}s of the records (from their detail), following next page after page. */
  private static List<Integer> all(String query) throws Exception {
    List<Integer> numbers = new ArrayList<>();
    String after = null;
    do {
      String q = query + (after == null ? "" : (query.isEmpty() ? "" : "&") + "after=" + after);
      HttpResponse<String> response = audit(q);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode page = json(response);
      for (JsonNode r : page.path("records")) {
        numbers.add(Integer.parseInt(r.path("detail").asText().replaceAll(".* number ", "")));
      }
      after = page.path("next").isNull() ? null : page.path("next").asText();
    } while (after != null);
    return numbers;
  }

  private static List<Integer> newestFirst(java.util.function.IntPredicate wanted) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = RECORDS - 1; i >= 0; i--) if (wanted.test(i)) numbers.add(i);
    return numbers;
  }

  private static String iso(long millis) {
    return URLEncoder.encode(Instant.ofEpochMilli(millis).toString(), StandardCharsets.UTF_8);
  }

  @Test
  void pagesAreNewestFirstAndFollowingNextVisitsEveryRecordOnce() throws Exception {
    JsonNode first = json(audit("limit=7"));
    assertThat(first.path("site").asText()).isEqualTo("au-a");
    assertThat(first.path("records")).hasSize(7);
    JsonNode newest = first.path("records").get(0);
    assertThat(newest.path("kind").asText()).isEqualTo("LINK_UP");
    assertThat(newest.path("atMillis").asLong()).isEqualTo(T0 + 29_000);
    assertThat(newest.path("at").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 29_000).toString());
    assertThat(newest.path("site").asText()).isEqualTo("au-a");
    assertThat(newest.get("peer").isNull()).isTrue();
    assertThat(newest.get("inode").isNull()).isTrue();
    assertThat(newest.path("id").asLong()).isPositive();
    JsonNode withEverything = json(audit("limit=1&inode=125")).path("records").get(0);
    assertThat(withEverything.path("peer").isNull()).isTrue();
    assertThat(withEverything.path("shard").asInt()).isEqualTo(1);
    assertThat(withEverything.path("seq").asLong()).isEqualTo(25);
    assertThat(first.path("next").asText()).matches("\\d+-\\d+");
    assertThat(all("limit=7")).isEqualTo(newestFirst(i -> true));
    assertThat(all("")).isEqualTo(newestFirst(i -> true));
    assertThat(json(audit("limit=1000")).get("next").isNull()).isTrue();
  }

  @Test
  void filtersByKindSiteInodeAndTimeRange() throws Exception {
    assertThat(all("kind=link_down&limit=4")).isEqualTo(newestFirst(i -> i % 3 == 0));
    assertThat(all("kind=LINK_DOWN,link_up")).isEqualTo(newestFirst(i -> true));
    assertThat(all("kind=LINK_DOWN&kind=PROMOTED")).isEqualTo(newestFirst(i -> i % 3 == 0));
    assertThat(all("site=au-b&limit=5")).isEqualTo(newestFirst(i -> i % 2 == 0));
    assertThat(all("site=au-a")).isEqualTo(newestFirst(i -> true));
    assertThat(all("inode=110")).containsExactly(10);
    assertThat(all("kind=link_down&site=au-b")).isEqualTo(newestFirst(i -> i % 6 == 0));
    assertThat(all("since=" + (T0 + 10_000) + "&until=" + (T0 + 20_000)))
        .isEqualTo(newestFirst(i -> i >= 10 && i < 20));
    assertThat(all("since=" + iso(T0 + 25_000) + "&limit=2")).isEqualTo(newestFirst(i -> i >= 25));
    assertThat(all("until=" + iso(T0 + 3_000))).containsExactly(2, 1, 0);
    assertThat(all("kind=promoted")).isEmpty();
  }

  @Test
  void aBadParameterIsRefusedWith400NamingItAndChangesNothing() throws Exception {
    List<Integer> before = all("");
    Map<String, String> refusals = Map.ofEntries(
        Map.entry("since=yesterday", "since must be epoch millis or an ISO-8601 time"),
        Map.entry("until=2025-06-01T12:00:00", "until must be epoch millis or an ISO-8601 time with a zone offset"),
        Map.entry("since=2000&until=1000", "is before since"),
        Map.entry("kind=LINK_SIDEWAYS", "unknown kind 'LINK_SIDEWAYS'"),
        Map.entry("kind=LINK_UP,", "unknown kind ''"),
        Map.entry("limit=0", "limit must be within 1 and 1000"),
        Map.entry("limit=1001", "limit must be within 1 and 1000"),
        Map.entry("limit=ten", "limit must be a whole number"),
        Map.entry("inode=x", "inode must be a whole number"),
        Map.entry("after=7", "not an audit cursor"),
        Map.entry("after=1-0", "cursor id must be >= 1"),
        Map.entry("filter=conflict", "unknown parameter 'filter'"),
        Map.entry("since=1&since=2", "parameter 'since' given 2 times"),
        Map.entry("site=", "site must be a site id"));
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      HttpResponse<String> response = audit(refusal.getKey());
      assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/json"));
      JsonNode error = json(response);
      assertThat(error.path("error").asText()).isEqualTo("BAD_REQUEST");
      assertThat(error.path("message").asText()).as(refusal.getKey()).contains(refusal.getValue());
    }
    assertThat(all("")).isEqualTo(before);
    assertThat(sites.post("au-a", "/replication/audit", "", AdminTestSites.TOKEN).statusCode()).isEqualTo(405);
  }
}
