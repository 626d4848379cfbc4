package io.cfs.repl.it.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The admin HTTP API of one node (Pekko Management on loopback). Every call has a short timeout. */
public final class AdminClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String node;
  private final URI base;
  private final HttpClient http;

  public AdminClient(String node, int port) {
    this.node = node;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.http = Http.CLIENT;
  }

  public URI base() {
    return base;
  }

  /** {@code GET /ready} answered 200; false on any other answer or when nothing listens. */
  public boolean ready() {
    try {
      return http.send(get("/ready", Duration.ofSeconds(2)), HttpResponse.BodyHandlers.discarding()).statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Status status() {
    return Json.read(getOk("/replication/status"), Status.class);
  }

  /** The status, or a failed future when the node does not answer 200 within {@code timeout}. */
  public CompletableFuture<Status> statusAsync(Duration timeout) {
    return http.sendAsync(get("/replication/status", timeout), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          if (r.statusCode() != 200) throw unexpected("/replication/status", r);
          return Json.read(r.body(), Status.class);
        });
  }

  /** {@code GET /replication/failover}: the resolver's role, epoch, primary and peers' health (active-passive). */
  public FailoverView failover() {
    return Json.read(getOk("/replication/failover"), FailoverView.class);
  }

  /**
   * {@code POST /replication/failover} with the bearer token: a planned switchover to {@code to} (sent to the
   * primary) or, with {@code force}, a forced failover (sent to {@code to}). Fails unless the node answers 200.
   */
  public void requestFailover(String to, boolean force, String token) {
    postOk("/replication/failover", Json.write(Map.of("to", to, "force", force)), token);
  }

  /**
   * {@code POST /replication/peers/{peer}/throttle} with the bearer token: the link to {@code peer} puts at most
   * {@code bytesPerSecond} on the wire (0 lifts it). Answers the link's throttle now; fails unless the node answers
   * 200.
   */
  public long throttle(String peer, long bytesPerSecond, String token) {
    String answer = postOk("/replication/peers/" + URLEncoder.encode(peer, StandardCharsets.UTF_8) + "/throttle",
        "{\"bytesPerSecond\":" + bytesPerSecond + "}", token);
    return Json.read(answer, Throttled.class).throttleBytesPerSecond();
  }

  /** The part of a link's answer a throttle call reads. */
  record Throttled(long throttleBytesPerSecond) {
  }

  /**
   * {@code POST /replication/peers/{peer}/forget-incarnation?incarnation=} with the bearer token: this site forgets
   * its watermarks of {@code peer} if {@code incarnation} is the one held. Fails unless the node answers 200.
   */
  public void forgetIncarnation(String peer, String incarnation, String token) {
    postOk("/replication/peers/" + URLEncoder.encode(peer, StandardCharsets.UTF_8) + "/forget-incarnation?incarnation="
        + URLEncoder.encode(incarnation, StandardCharsets.UTF_8), "", token);
  }

  private String postOk(String path, String body, String token) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(node + ": POST " + path + " answered " + r.statusCode() + ": "
            + Json.abbreviate(r.body()));
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(node + ": POST " + base.resolve(path) + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Every record of the site's audit trail of these kinds since {@code sinceMillis}, following the pages. */
  public List<AuditEntry> audit(long sinceMillis, String... kinds) {
    List<AuditEntry> out = new ArrayList<>();
    String query = "/replication/audit?limit=1000&since=" + sinceMillis + "&kind="
        + URLEncoder.encode(String.join(",", kinds), StandardCharsets.UTF_8);
    String after = null;
    do {
      AuditEntry.Page page = Json.read(getOk(query + (after == null ? "" : "&after="
          + URLEncoder.encode(after, StandardCharsets.UTF_8))), AuditEntry.Page.class);
      out.addAll(page.records());
      after = page.next();
    } while (after != null);
    return out;
  }

  /** Pekko Management's {@code GET /cluster/members}: this node's view of its site cluster. */
  public Members members() {
    return Json.read(getOk("/cluster/members"), Members.class);
  }

  /** A node's view of its site cluster. */
  public record Members(String selfNode, List<Member> members, String oldest) {
    public Members {
      members = members == null ? List.of() : List.copyOf(members);
    }

    /** The addresses (host:port) of the members this node sees Up. */
    public List<String> up() {
      return members.stream().filter(m -> "Up".equals(m.status())).map(Member::node).sorted().toList();
    }
  }

  public record Member(String node, String status) {
  }

  /** {@code GET /store/watermarks}: the highest seq this site's store applied, per shard, of {@code origin}. */
  public Map<Integer, Long> watermarks(String origin) {
    StoreWatermarks marks = Json.read(getOk("/store/watermarks"), StoreWatermarks.class);
    return marks.origins().getOrDefault(origin, Map.of());
  }

  /** The answer of {@code GET /store/watermarks}. */
  public record StoreWatermarks(String site, Map<String, Map<Integer, Long>> origins) {
  }

  /** {@code GET /store/digest}: how many inodes (tombstones included) the site's store holds, and their hash. */
  public StoreDigest digest() {
    return Json.read(getOk("/store/digest"), StoreDigest.class);
  }

  /** The part of {@code GET /store/digest} the tests read. */
  public record StoreDigest(long inodes, String hash) {
  }

  /** The value this site holds for the inode, or empty on 404. */
  public Optional<InodeValue> inode(long inodeId) {
    return join(inodeAsync(inodeId));
  }

  public CompletableFuture<Optional<InodeValue>> inodeAsync(long inodeId) {
    return http.sendAsync(get("/store/inodes/" + inodeId, TIMEOUT), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          if (r.statusCode() == 404) return Optional.empty();
          if (r.statusCode() != 200) throw unexpected("/store/inodes/" + inodeId, r);
          return Optional.of(Json.read(r.body(), InodeValue.class));
        });
  }

  private String getOk(String path) {
    try {
      HttpResponse<String> r = http.send(get(path, TIMEOUT), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw unexpected(path, r);
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(node + ": GET " + base.resolve(path) + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private HttpRequest get(String path, Duration timeout) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
  }

  private IllegalStateException unexpected(String path, HttpResponse<String> r) {
    return new IllegalStateException(node + ": GET " + path + " answered " + r.statusCode() + ": "
        + Json.abbreviate(r.body()));
  }

  private <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new UncheckedIOException(node + ": " + e.getCause(), new IOException(e.getCause()));
    }
  }

  @Override
  public String toString() {
    return "admin(" + node + " " + base + ")";
  }
}
