package io.cfs.repl.it.workload;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.AdminClient;
import io.cfs.repl.it.client.Digest;
import io.cfs.repl.it.client.InodeValue;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.SiteCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Verifies a cluster against a {@link History} once the workload has stopped and faults are healed:
 * <ol>
 *   <li>quiescence: every site's status shows every peer link with {@code lagEntries == 0};</li>
 *   <li>no link is STOPPED and no shard is stopped on a gap;</li>
 *   <li>each site's journal heads equal the acknowledged heads of the history (no acknowledged entry lost, nothing
 *       the test did not see acknowledged);</li>
 *   <li>every site's store applied every origin's entries exactly up to the acknowledged heads (its watermarks):
 *       no shard short of its head or stuck on a gap, nothing applied past what was written;</li>
 *   <li>every site's store digest is the same and holds as many inodes as the history touched;</li>
 *   <li>for all (or a seeded sample of) inodes, every site holds exactly the highest acknowledged version
 *       {@code (hlc, originSite)}, a tombstone iff that op deletes, and its payload.</li>
 * </ol>
 * Everything that differs is listed in the {@link Report}; {@link #assertConverged} fails with that list.
 */
public final class Checker {
  private static final int MAX_LISTED = 40;

  private final SiteCluster cluster;
  private final History history;
  private int sample = 0;
  private long seed = 1;
  private Duration quiescenceTimeout = Duration.ofSeconds(60);
  private Duration digestTimeout = Duration.ofSeconds(30);

  private Checker(SiteCluster cluster, History history) {
    this.cluster = cluster;
    this.history = history;
  }

  public static Checker of(SiteCluster cluster, History history) {
    return new Checker(cluster, history);
  }

  /** Checks this many inodes chosen with the seed; 0 (default) checks all of them. */
  public Checker sampleInodes(int n, long seed) {
    this.sample = n;
    this.seed = seed;
    return this;
  }

  public Checker quiescenceTimeout(Duration d) {
    quiescenceTimeout = d;
    return this;
  }

  /** How long to wait for equal digests (the local apply and receivers finishing) before reporting them. */
  public Checker digestTimeout(Duration d) {
    digestTimeout = d;
    return this;
  }

  /** What differs, and a summary. */
  public record Report(String summary, List<String> differences) {
    public boolean ok() {
      return differences.isEmpty();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(summary);
      if (differences.isEmpty()) {
        sb.append("\n  no differences");
      } else {
        sb.append("\n  ").append(differences.size()).append(" difference(s):");
        differences.stream().limit(MAX_LISTED).forEach(d -> sb.append("\n  - ").append(d));
        if (differences.size() > MAX_LISTED) {
          sb.append("\n  ... ").append(differences.size() - MAX_LISTED).append(" more");
        }
      }
      return sb.toString();
    }
  }

  public void assertConverged() {
    Report report = check();
    if (!report.ok()) throw new AssertionError("cluster did not converge to the history:\n" + report);
  }

  public Report check() {
    long t0 = System.nanoTime();
    List<String> diffs = new ArrayList<>();
    for (String site : cluster.sites()) {
      if (!cluster.isUp(site)) diffs.add(site + " has no node running; cannot check it");
    }
    if (!diffs.isEmpty()) return new Report("check impossible", diffs);

    Map<String, Status> statuses = awaitQuiescence(diffs);
    checkLinks(statuses, diffs);
    history.anomalies().forEach(a -> diffs.add("ingest anomaly: " + a));
    checkJournalHeads(diffs);
    checkWatermarks(diffs);
    Map<String, Digest> digests = awaitDigests(diffs);
    int inodesChecked = checkInodes(diffs);

    String digestLine = digests.entrySet().stream().map(e -> e.getKey() + "=" + shortHash(e.getValue().hash())
        + "/" + e.getValue().inodes() + " inodes").reduce((a, b) -> a + ", " + b).orElse("-");
    Report report = new Report(String.format(
        "[it] check after %d ms: %s; digests %s; %d inodes compared on %d sites; links %s",
        (System.nanoTime() - t0) / 1_000_000, history, digestLine, inodesChecked, cluster.sites().size(),
        statuses.values()), diffs);
    System.out.println(report);
    return report;
  }

  private Map<String, Status> awaitQuiescence(List<String> diffs) {
    Map<String, Status> last = new LinkedHashMap<>();
    try {
      await("quiescence (every link lagEntries == 0)").atMost(quiescenceTimeout).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> {
            last.clear();
            last.putAll(cluster.statuses());
            return quiescent(last);
          });
    } catch (ConditionTimeoutException e) {
      diffs.add("not quiescent within " + quiescenceTimeout + ": " + last.values());
    }
    return last;
  }

  private boolean quiescent(Map<String, Status> statuses) {
    for (String site : cluster.sites()) {
      Status s = statuses.get(site);
      if (s == null) return false;
      for (String peer : cluster.peersOf(site)) {
        Optional<Status.Peer> p = s.peer(peer);
        if (p.isEmpty() || p.get().lagEntries() != 0) return false;
      }
    }
    return true;
  }

  private static void checkLinks(Map<String, Status> statuses, List<String> diffs) {
    statuses.values().forEach(s -> s.peers().forEach(p -> {
      if (p.state().equals("STOPPED")) diffs.add(s.site() + "->" + p.peer() + " is STOPPED: " + p.lastError());
      if (!p.stoppedShards().isEmpty()) {
        diffs.add(s.site() + "->" + p.peer() + " has shards stopped on a gap: " + p.stoppedShards());
      }
    }));
  }

  private void checkJournalHeads(List<String> diffs) {
    for (String site : cluster.sites()) {
      Map<Integer, Long> journal;
      try {
        journal = cluster.ingest(site).heads();
      } catch (RuntimeException e) {
        diffs.add(site + ": cannot read journal heads: " + e);
        continue;
      }
      forEachShard(journal, history.heads(site), (shard, j, a) -> {
        if (j < a) {
          diffs.add(site + " shard " + shard + ": journal head " + j + " < acknowledged " + a
              + " (acknowledged entries lost)");
        } else if (j > a) {
          diffs.add(site + " shard " + shard + ": journal head " + j + " > acknowledged " + a
              + " (entries the workload never saw acknowledged)");
        }
      });
    }
  }

  @FunctionalInterface
  private interface ShardPair {
    void accept(int shard, long actual, long acknowledged);
  }

  /** Every shard either map has, in order, with its seq in each (0 where absent). */
  private static void forEachShard(Map<Integer, Long> actual, Map<Integer, Long> acknowledged, ShardPair each) {
    TreeSet<Integer> shards = new TreeSet<>(actual.keySet());
    shards.addAll(acknowledged.keySet());
    shards.forEach(s -> each.accept(s, actual.getOrDefault(s, 0L), acknowledged.getOrDefault(s, 0L)));
  }

  /** Waits (a site's own entries reach its store through its local applier, after the links) until they agree. */
  private void checkWatermarks(List<String> diffs) {
    List<String> last = new ArrayList<>();
    try {
      await("store watermarks at the acknowledged heads").atMost(digestTimeout).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            last.clear();
            watermarkDifferences(last);
            return last.isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      diffs.addAll(last);
    }
  }

  private void watermarkDifferences(List<String> diffs) {
    for (String site : cluster.sites()) {
      Map<String, Map<Integer, Long>> applied;
      try {
        applied = cluster.admin(site).watermarks();
      } catch (RuntimeException e) {
        diffs.add(site + ": cannot read store watermarks: " + e);
        continue;
      }
      for (String origin : cluster.sites()) {
        forEachShard(applied.getOrDefault(origin, Map.of()), history.heads(origin), (shard, w, a) -> {
          if (w != a) {
            diffs.add(site + " applied " + origin + " shard " + shard + " up to seq " + w + ", acknowledged " + a);
          }
        });
      }
    }
  }

  private Map<String, Digest> awaitDigests(List<String> diffs) {
    long expectedInodes = history.distinctInodes();
    Map<String, Digest> last = new LinkedHashMap<>();
    try {
      await("equal digests").atMost(digestTimeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            last.clear();
            for (String site : cluster.sites()) last.put(site, cluster.admin(site).digest());
            return last.values().stream().map(Digest::hash).distinct().count() == 1
                && last.values().stream().allMatch(d -> d.inodes() == expectedInodes);
          });
    } catch (ConditionTimeoutException e) {
      diffs.add("digests differ after " + digestTimeout + " (history touched " + expectedInodes + " inodes): "
          + describeDigests(last));
    }
    return last;
  }

  private static String describeDigests(Map<String, Digest> digests) {
    StringBuilder sb = new StringBuilder();
    digests.forEach((site, d) -> sb.append(site).append("=").append(shortHash(d.hash())).append("/")
        .append(d.inodes()).append(" inodes; "));
    TreeSet<Integer> shards = new TreeSet<>();
    digests.values().forEach(d -> shards.addAll(d.shards().keySet()));
    for (int shard : shards) {
      Map<String, String> perSite = new LinkedHashMap<>();
      digests.forEach((site, d) -> {
        Digest.ShardDigest sd = d.shards().get(shard);
        perSite.put(site, sd == null ? "absent" : shortHash(sd.hash()) + "/" + sd.inodes());
      });
      if (perSite.values().stream().distinct().count() > 1) sb.append("shard ").append(shard).append(" ")
          .append(perSite).append("; ");
    }
    return sb.toString();
  }

  private int checkInodes(List<String> diffs) {
    Map<Long, History.Expected> latest = history.latest();
    List<Long> ids = new ArrayList<>(latest.keySet());
    Collections.sort(ids);
    if (sample > 0 && sample < ids.size()) {
      Collections.shuffle(ids, new Random(seed));
      ids = new ArrayList<>(ids.subList(0, sample));
      Collections.sort(ids);
    }
    List<String> found = Collections.synchronizedList(new ArrayList<>());
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String site : cluster.sites()) {
      AdminClient admin = cluster.admin(site);
      for (long id : ids) {
        History.Expected expected = latest.get(id);
        inFlight.acquireUninterruptibly();
        all.add(admin.inodeAsync(id)
            .handle((value, err) -> {
              inFlight.release();
              String d = err != null ? site + ": inode " + id + ": " + err : compare(site, expected, value);
              if (d != null) found.add(d);
              return null;
            }));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    List<String> sorted = new ArrayList<>(found);
    Collections.sort(sorted);
    diffs.addAll(sorted);
    return ids.size();
  }

  private static String compare(String site, History.Expected e, Optional<InodeValue> value) {
    String want = "expected version " + e.version() + " op " + e.op() + (e.tombstone() ? " (tombstone)" : "");
    if (value.isEmpty()) return site + ": inode " + e.inodeId() + " missing; " + want;
    InodeValue v = value.get();
    boolean same = v.hlc() == e.version().hlc() && e.version().originSite().equals(v.originSite())
        && v.tombstone() == e.tombstone() && v.op().equals(e.op()) && v.shard() == e.shard()
        && (e.tombstone() || e.payloadBase64().equals(v.payloadBase64()));
    return same ? null : site + ": inode " + e.inodeId() + " holds " + v + "; " + want
        + (e.tombstone() || e.payloadBase64().equals(v.payloadBase64()) ? "" : " payload " + e.payloadBase64());
  }

  private static String shortHash(String hash) {
    return hash == null ? "null" : hash.substring(0, Math.min(12, hash.length()));
  }
}
