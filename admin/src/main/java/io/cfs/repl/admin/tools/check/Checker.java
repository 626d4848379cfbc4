package io.cfs.repl.admin.tools.check;

import io.cfs.repl.admin.tools.check.NodeReads.Link;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The convergence checker of {@code cfs check} and of the multi-process tests: verifies sites against what writers
 * saw acknowledged ({@link Expectations}), once writes have stopped and faults are healed, through each site's
 * admin API. In order:
 * <ol>
 *   <li>quiescence, always: every site's status shows every peer link with {@code lagEntries == 0};</li>
 *   <li>{@link Check#LINKS}: no link is STOPPED and no shard is stopped on a gap;</li>
 *   <li>{@link Check#ANOMALIES}: none of the anomalies the writers recorded;</li>
 *   <li>{@link Check#JOURNAL_HEADS}: each site's journal heads equal the acknowledged heads (no acknowledged entry
 *       lost, nothing the writers did not see acknowledged);</li>
 *   <li>{@link Check#WATERMARKS}: every site's store applied every origin's entries exactly up to the acknowledged
 *       heads: no shard short of its head or stuck on a gap, nothing applied past what was written;</li>
 *   <li>{@link Check#DIGESTS}: every site's store digest is the same, and with {@link Check#INODE_COUNT} it holds as
 *       many inodes as the expectations name;</li>
 *   <li>{@link Check#INODES}: for all (or a seeded sample of) inodes, every site holds exactly the highest
 *       acknowledged version, a tombstone iff that op deletes, with its op, shard and (when recorded) payload.</li>
 * </ol>
 * JOURNAL_HEADS, WATERMARKS and INODE_COUNT hold only when the expectations name every entry the sites were given.
 * Everything that differs is listed in the {@link Report}.
 */
public final class Checker {

  /** The checks after quiescence; each one can be left out. */
  public enum Check { LINKS, ANOMALIES, JOURNAL_HEADS, WATERMARKS, DIGESTS, INODE_COUNT, INODES }

  /** The sites under check, and where each answers now. */
  public interface Sites {
    /** The sites, by the names reports use. */
    List<String> sites();

    /** The peer links a site's status must show; empty when whatever links it shows will do. */
    List<String> peersOf(String site);

    /** The admin API of a node of the site that runs now; empty when none runs. */
    Optional<URI> adminUri(String site);

    /** Per shard the highest durable seq of the site's own entries; read by {@link Check#JOURNAL_HEADS} only. */
    Map<Integer, Long> journalHeads(String site);
  }

  /**
   * What a check found: a summary, every difference, and what it read of each site's store.
   *
   * @param summary one line on what was checked and how long it took
   * @param differences everything that differs from the expectations, in the order of the checks
   * @param quiescent whether every link drained before the stores were compared
   * @param digests the last digest read from each site, in site order
   */
  public record Report(String summary, List<String> differences, boolean quiescent, Map<String, Digest> digests) {
    private static final int MAX_LISTED = 40;

    public Report {
      differences = List.copyOf(differences);
      digests = Collections.unmodifiableMap(new LinkedHashMap<>(digests));
    }

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

  private static final Duration QUIESCENCE_POLL = Duration.ofMillis(200);
  private static final Duration STORE_POLL = Duration.ofMillis(250);

  private final Sites sites;
  private final Expectations expected;
  private NodeReads reads = new NodeReads(null);
  private Set<Check> checks = EnumSet.allOf(Check.class);
  private int sample = 0;
  private long seed = 1;
  private Duration quiescenceTimeout = Duration.ofSeconds(60);
  private Duration digestTimeout = Duration.ofSeconds(30);
  private boolean stopUnlessQuiescent;
  private Consumer<Report> log = System.out::println;

  private Checker(Sites sites, Expectations expected) {
    this.sites = sites;
    this.expected = expected;
  }

  /** Reads https admin URLs trusting the CAs of {@code cacert} (null: the JDK's). */
  public Checker cacert(Path cacert) {
    this.reads = new NodeReads(cacert);
    return this;
  }

  /** Every check, against expectations that name every entry the sites were given. */
  public static Checker of(Sites sites, Expectations expected) {
    return new Checker(sites, expected);
  }

  /** Runs only these checks after quiescence. */
  public Checker checks(Set<Check> only) {
    checks = EnumSet.noneOf(Check.class);
    checks.addAll(only);
    return this;
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

  /** How long to wait for equal digests and watermarks (the local apply and receivers finishing); 0 reads once. */
  public Checker digestTimeout(Duration d) {
    digestTimeout = d;
    return this;
  }

  /** When the links do not drain, reports that alone: stores that are still changing cannot be compared. */
  public Checker stopUnlessQuiescent() {
    stopUnlessQuiescent = true;
    return this;
  }

  /** Where each report goes as well as to the caller; standard output by default, which test logs keep. */
  public Checker reportTo(Consumer<Report> log) {
    this.log = log;
    return this;
  }

  /** Checks and fails with the report unless nothing differs. */
  public void assertConverged() {
    Report report = check();
    if (!report.ok()) throw new AssertionError("cluster did not converge to the history:\n" + report);
  }

  public Report check() {
    Report report = checkNow();
    log.accept(report);
    return report;
  }

  private Report checkNow() {
    long t0 = System.nanoTime();
    List<String> diffs = new ArrayList<>();
    for (String site : sites.sites()) {
      if (sites.adminUri(site).isEmpty()) diffs.add(site + " has no node running; cannot check it");
    }
    if (!diffs.isEmpty()) return new Report("check impossible", diffs, false, Map.of());

    Map<String, List<Link>> links = new LinkedHashMap<>();
    boolean quiescent = awaitQuiescence(links);
    if (!quiescent) diffs.add("not quiescent within " + quiescenceTimeout + ": " + links.values());
    if (!quiescent && stopUnlessQuiescent) return new Report("links did not drain", diffs, false, Map.of());
    if (checks.contains(Check.LINKS)) checkLinks(links, diffs);
    if (checks.contains(Check.ANOMALIES)) expected.anomalies().forEach(a -> diffs.add("ingest anomaly: " + a));
    if (checks.contains(Check.JOURNAL_HEADS)) diffs.addAll(SeqChecks.journalHeads(sites, expected));
    if (checks.contains(Check.WATERMARKS)) checkWatermarks(diffs);
    Map<String, Digest> digests = checks.contains(Check.DIGESTS) ? awaitDigests(diffs) : Map.of();
    int inodesChecked = checks.contains(Check.INODES) ? checkInodes(diffs) : 0;

    String digestLine = digests.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .reduce((a, b) -> a + ", " + b).orElse("-");
    String summary = String.format("check after %d ms: %s; digests %s; %d inodes compared on %d sites; links %s",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), expected, digestLine, inodesChecked,
        sites.sites().size(), links.values());
    return new Report(summary, diffs, quiescent, digests);
  }

  private boolean awaitQuiescence(Map<String, List<Link>> last) {
    return poll(quiescenceTimeout, QUIESCENCE_POLL, () -> {
      last.clear();
      for (String site : sites.sites()) {
        Optional<URI> node = sites.adminUri(site);
        if (node.isPresent()) last.put(site, reads.links(site, node.get()));
      }
      return quiescent(last);
    });
  }

  private boolean quiescent(Map<String, List<Link>> links) {
    for (String site : sites.sites()) {
      List<Link> shown = links.get(site);
      if (shown == null || shown.stream().anyMatch(l -> l.lagEntries() != 0)) return false;
      for (String peer : sites.peersOf(site)) {
        if (shown.stream().noneMatch(l -> l.peer().equals(peer))) return false;
      }
    }
    return true;
  }

  private static void checkLinks(Map<String, List<Link>> links, List<String> diffs) {
    links.values().forEach(shown -> shown.forEach(l -> {
      if (l.state().equals("STOPPED")) diffs.add(l.site() + "->" + l.peer() + " is STOPPED: " + l.lastError());
      if (!l.stoppedShards().isEmpty()) {
        diffs.add(l.site() + "->" + l.peer() + " has shards stopped on a gap: " + l.stoppedShards());
      }
    }));
  }

  /** Waits (a site's own entries reach its store through its local applier, after the links) until they agree. */
  private void checkWatermarks(List<String> diffs) {
    List<String> last = new ArrayList<>();
    boolean agree = poll(digestTimeout, STORE_POLL, () -> {
      last.clear();
      last.addAll(SeqChecks.watermarks(sites, reads, expected));
      return last.isEmpty();
    });
    if (!agree) diffs.addAll(last);
  }

  private Map<String, Digest> awaitDigests(List<String> diffs) {
    long expectedInodes = expected.distinctInodes();
    boolean countInodes = checks.contains(Check.INODE_COUNT);
    Map<String, Digest> last = new LinkedHashMap<>();
    boolean same = poll(digestTimeout, STORE_POLL, () -> {
      last.clear();
      for (String site : sites.sites()) {
        last.put(site, reads.digest(sites.adminUri(site).orElseThrow(() -> new IllegalStateException("no node"))));
      }
      return last.values().stream().map(Digest::hash).distinct().count() == 1
          && (!countInodes || last.values().stream().allMatch(d -> d.inodes() == expectedInodes));
    });
    if (!same) {
      diffs.add("digests differ after " + digestTimeout + " (history touched " + expectedInodes + " inodes): "
          + Digest.describe(last));
    }
    return last;
  }

  private int checkInodes(List<String> diffs) {
    List<Long> ids = new ArrayList<>(expected.latest().keySet());
    Collections.sort(ids);
    if (sample > 0 && sample < ids.size()) {
      Collections.shuffle(ids, new Random(seed));
      ids = new ArrayList<>(ids.subList(0, sample));
      Collections.sort(ids);
    }
    diffs.addAll(InodeCheck.compareAll(sites, reads, expected, ids));
    return ids.size();
  }

  /** Evaluates {@code condition} until it holds or {@code timeout} has passed, at least once; a throw is a no. */
  private static boolean poll(Duration timeout, Duration interval, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.call()) return true;
      } catch (Exception notYet) {
        // a node restarting or slow to answer: asked again until the deadline
      }
      if (System.nanoTime() >= deadline) return false;
      try {
        Thread.sleep(interval.toMillis()); // polling a condition with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
