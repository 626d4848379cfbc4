package io.cfs.repl.admin.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * After quiescence, checks that every acknowledged entry took effect on every site: each inode's value on each
 * node is the highest acknowledged version (a tombstone iff that write was a delete), and all digests agree.
 * The histories must hold every writer's acknowledged entries. Exit 0 only when everything agrees.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check that sites converged to what the history files acknowledged.")
public final class CheckCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REPORTED = 20;
  private static final int CONCURRENT_READS = 16;

  @Option(names = "--history", required = true, split = ",", description = "history file(s), one per writer")
  List<Path> histories;

  @Option(names = "--nodes", required = true, split = ",", description = "admin URLs of one node per site")
  List<URI> nodes;

  @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait for quiescence")
  long timeoutSeconds;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Integer call() throws Exception {
    Expectations expected = Expectations.read(histories);
    System.out.printf("history: %,d acknowledged entries over %,d inodes; checking %d nodes%n", expected.entries(),
        expected.inodes().size(), nodes.size());
    if (!awaitQuiescence()) {
      System.out.println("FAILED: links did not drain within " + timeoutSeconds + " s");
      return 1;
    }
    List<String> problems = new ArrayList<>(digestProblems());
    for (URI node : nodes) {
      problems.addAll(inodeProblems(node, expected.inodes()));
    }
    problems.stream().limit(MAX_REPORTED).forEach(p -> System.out.println("  DIFF " + p));
    if (problems.size() > MAX_REPORTED) System.out.printf("  ... and %,d more%n", problems.size() - MAX_REPORTED);
    System.out.println(problems.isEmpty() ? "OK: every acknowledged entry took effect on every site"
        : "FAILED: " + problems.size() + " differences");
    return problems.isEmpty() ? 0 : 1;
  }

  private boolean awaitQuiescence() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      boolean drained = true;
      for (URI node : nodes) {
        for (JsonNode peer : get(node, "/replication/status").path("peers")) {
          drained &= peer.path("lagEntries").asLong(-1) == 0;
        }
      }
      if (drained) return true;
      TimeUnit.MILLISECONDS.sleep(250); // polling a condition with a deadline
    }
    return false;
  }

  private List<String> digestProblems() throws Exception {
    List<String> problems = new ArrayList<>();
    String first = null;
    for (URI node : nodes) {
      JsonNode digest = get(node, "/store/digest");
      System.out.printf("  %s digest %s (%,d inodes)%n", node, digest.path("hash").asText(),
          digest.path("inodes").asLong());
      if (first == null) {
        first = digest.path("hash").asText();
      } else if (!first.equals(digest.path("hash").asText())) {
        problems.add(node + ": digest " + digest.path("hash").asText() + " differs from " + nodes.get(0));
      }
    }
    return problems;
  }

  private List<String> inodeProblems(URI node, Map<Long, Expectations.Expected> inodes) throws Exception {
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Semaphore permits = new Semaphore(CONCURRENT_READS);
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (Map.Entry<Long, Expectations.Expected> e : inodes.entrySet()) {
      permits.acquire();
      HttpRequest request = HttpRequest.newBuilder(node.resolve("/store/inodes/" + e.getKey())).GET().build();
      reads.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenAccept(r -> compare(node, e.getKey(), e.getValue(), r).ifPresent(problems::add))
          .whenComplete((v, err) -> {
            if (err != null) problems.add(node + " inode " + e.getKey() + ": " + err.getMessage());
            permits.release();
          }));
    }
    CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
    return new ArrayList<>(problems);
  }

  private static java.util.Optional<String> compare(URI node, long inode, Expectations.Expected want,
                                                    HttpResponse<String> response) {
    String where = node + " inode " + inode + ": expected " + want.version()
        + (want.tombstone() ? " (tombstone)" : "") + ", ";
    if (response.statusCode() == 404) return java.util.Optional.of(where + "missing");
    if (response.statusCode() != 200) return java.util.Optional.of(where + "HTTP " + response.statusCode());
    try {
      JsonNode held = JSON.readTree(response.body());
      String got = held.path("hlc").asLong() + "@" + held.path("originSite").asText();
      boolean tombstone = held.path("tombstone").asBoolean();
      if (!got.equals(want.version().toString()) || tombstone != want.tombstone()) {
        return java.util.Optional.of(where + "holds " + got + (tombstone ? " (tombstone)" : ""));
      }
      return java.util.Optional.empty();
    } catch (java.io.IOException e) {
      return java.util.Optional.of(where + "unreadable answer: " + e.getMessage());
    }
  }

  private JsonNode get(URI node, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException(node + path + " answered " + r.statusCode());
    return JSON.readTree(r.body());
  }
}
