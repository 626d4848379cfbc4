package io.cfs.repl.admin.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.tools.check.Expectations.Expected;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Whether a site's answer to {@code GET /store/inodes/{id}} is the value an inode must hold. */
final class InodeCheck {
  private static final int PAYLOAD_SHOWN = 60;

  private static final int READS_IN_FLIGHT = 16;

  private InodeCheck() {
  }

  /** Reads each inode on each site, a bounded number at a time, and lists what differs, in order. */
  static List<String> compareAll(Checker.Sites sites, NodeReads reads, Expectations expected, List<Long> ids) {
    Map<Long, Expected> latest = expected.latest();
    List<String> found = Collections.synchronizedList(new ArrayList<>());
    Semaphore inFlight = new Semaphore(READS_IN_FLIGHT);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String site : sites.sites()) {
      Optional<URI> node = sites.adminUri(site);
      if (node.isEmpty()) {
        found.add(site + ": cannot read inodes: no node running");
        continue;
      }
      for (long id : ids) {
        Expected e = latest.get(id);
        inFlight.acquireUninterruptibly();
        all.add(reads.inode(node.get(), id).handle((response, err) -> {
          inFlight.release();
          String d = err != null ? site + ": inode " + id + ": " + err : compare(site, e, response);
          if (d != null) found.add(d);
          return null;
        }));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    List<String> sorted = new ArrayList<>(found);
    Collections.sort(sorted);
    return sorted;
  }

  /** What differs, for a report; null when the site holds exactly the expected value. */
  private static String compare(String site, Expected e, HttpResponse<String> response) {
    String want = "version " + e.version() + " op " + e.op() + (e.tombstone() ? " (tombstone)" : "");
    if (response.statusCode() == 404) return site + ": inode " + e.inodeId() + " missing; expected " + want;
    if (response.statusCode() != 200) return site + ": inode " + e.inodeId() + ": HTTP " + response.statusCode();
    JsonNode held;
    try {
      held = NodeReads.parse(response.body());
    } catch (IOException unreadable) {
      return site + ": inode " + e.inodeId() + ": unreadable answer: " + unreadable.getMessage();
    }
    boolean tombstone = held.path("tombstone").asBoolean();
    String payload = held.path("payloadBase64").asText();
    boolean samePayload = e.tombstone() || e.payloadBase64() == null || e.payloadBase64().equals(payload);
    boolean same = held.path("hlc").asLong() == e.version().hlc()
        && e.version().originSite().equals(held.path("originSite").asText())
        && tombstone == e.tombstone() && e.op().name().equals(held.path("op").asText())
        && held.path("shard").asInt() == e.shard() && samePayload;
    if (same) return null;
    return site + ": inode " + e.inodeId() + ": expected " + want + (samePayload ? "" : " payload "
        + abbreviate(e.payloadBase64())) + ", holds version " + held.path("hlc").asLong() + "@"
        + held.path("originSite").asText() + " op " + held.path("op").asText() + (tombstone ? " (tombstone)" : "")
        + " shard " + held.path("shard").asInt() + " payload " + abbreviate(payload);
  }

  private static String abbreviate(String s) {
    return s.length() <= PAYLOAD_SHOWN ? s : s.substring(0, PAYLOAD_SHOWN) + "...(" + s.length() + " chars)";
  }
}
