package io.cfs.repl.admin.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code cfs bench --processes}: each site a node JVM of its own on embedded storage (fsync on), and the load a third
 * kind of process writing to site A through the binary ingest stream, as a metadata service would. Lag is what every
 * peer node measures for every entry it applies (apply time minus the entry's hlc, one host so one clock), read
 * from its {@code /replication/apply-lag}; the window is reset after the warm-up. CPU and peak RSS come from /proc
 * for each process.
 *
 * <p>With {@code --backlog} the peers start only once the load has ended: site A holds the whole run as a backlog
 * (its links to the peers retrying with backoff meanwhile), and the bench measures the peers' catch-up and every
 * node's heap, from GC logs.
 */
final class ProcessBench {
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final long SYSTEM_WARMUP_RATE = 10_000; // as the Kafka baseline's system warm-up
  private static final long MEASURED_SEED = 42;
  private static final long WARMUP_SEED = 7;
  private static final Pattern LOAD_ACKED = Pattern.compile("acked ([\\d,]+)");
  private final BenchCommand options;
  private final Path base;
  private final Map<String, NodeLauncher.Ports> ports;
  private final DelayedPeers delayed;
  private final NodeLauncher launcher;
  private final ProcessReport report;

  /** One node of the run, with its GC log. */
  record Node(String site, NodeLauncher.Ports ports, Process process, Path log, Path gcLog, Path dataDir) {
  }

  /** What a poll of the run does besides checking progress. */
  private interface Tick {
    void at(long nowNanos) throws Exception;
  }

  private ProcessBench(BenchCommand options, Path base, Map<String, NodeLauncher.Ports> ports, DelayedPeers delayed,
                       NodeLauncher launcher) {
    this.options = options;
    this.base = base;
    this.ports = ports;
    this.delayed = delayed;
    this.launcher = launcher;
    this.report = new ProcessReport(options, launcher, loadLog());
  }

  static int run(BenchCommand options, Path base) throws Exception {
    Files.createDirectories(base);
    Map<String, NodeLauncher.Ports> ports = new LinkedHashMap<>();
    for (int i = 0; i <= options.peers; i++) ports.put("site-" + (char) ('a' + i), NodeLauncher.Ports.free());
    long delay = options.peerDelayMillis;
    if (delay < 0) throw new IllegalArgumentException("--peer-delay-ms must be >= 0, was " + delay);
    if (options.systemWarmupEntries < 0 || options.systemWarmupEntries > 0 && options.backlog) {
      throw new IllegalArgumentException("--system-warmup must be >= 0 and is for the steady mode, not --backlog");
    }
    System.out.printf("bench (processes%s): %,d entries from site-a to %d peer(s)%s, rate %s, %d shards, %d-byte"
        + " payloads, batches of %d x %d in flight over the binary ingest, node JVMs %s, data and logs in %s%n",
        options.backlog ? ", backlog: the peers start once site-a holds every entry" : "", options.entries,
        options.peers, delay == 0 ? "" : String.format(", each %d ms away (a proxy in front of its link listener"
            + " delays each direction by %d ms: round trip %d ms)", delay, delay, 2 * delay),
        options.rate == 0 ? "flat out" : options.rate + "/s", options.shards,
        options.payload, options.appendBatch, options.inFlight, options.nodeJvm, base);
    List<String> peers = List.copyOf(ports.keySet()).subList(1, ports.size());
    try (DelayedPeers delayed = DelayedPeers.start(ports, peers, Duration.ofMillis(delay));
         NodeLauncher launcher = new NodeLauncher()) {
      ProcessBench bench = new ProcessBench(options, base, ports, delayed, launcher);
      return options.backlog ? bench.backlog(peers) : bench.steady(peers);
    }
  }

  /** Every node up and linked, then the load; the clock runs from the load's start to applied at every peer. */
  private int steady(List<String> peers) throws Exception {
    List<Node> nodes = new ArrayList<>();
    nodes.add(start("site-a"));
    for (String peer : peers) nodes.add(start(peer));
    for (Node n : nodes) launcher.awaitConnected(n.process(), n.ports().admin(), n.log(), STARTUP);
    Node origin = nodes.get(0);
    List<Node> receivers = nodes.subList(1, nodes.size());
    long before = systemWarmup(origin, receivers);
    nodes.forEach(report::countFrom);
    long t0 = System.nanoTime();
    Process load = startLoad(origin, loadLog(), options.entries, options.rate, options.pacingMillis, MEASURED_SEED);
    boolean[] warm = {options.warmupSeconds == 0};
    long done = awaitApplied(origin, receivers, load, before + options.entries, t0, "applied at every peer", now -> {
      if (!warm[0] && now - t0 >= TimeUnit.SECONDS.toNanos(options.warmupSeconds)) {
        resetLagWindows(origin, receivers);
        report.warmedUp(load);
        warm[0] = true;
      }
    });
    if (!load.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the load process did not end");
    report.print(origin, receivers, (done - t0) / 1e9, null);
    return 0;
  }

  /** Site A alone takes the whole load, then the peers start and catch up from its journal. */
  private int backlog(List<String> peers) throws Exception {
    Node origin = start("site-a");
    launcher.awaitListening(origin.process(), origin.ports().ingest(), origin.log(), STARTUP);
    report.countFrom(origin);
    long t0 = System.nanoTime();
    Process load = startLoad(origin, loadLog(), options.entries, options.rate, options.pacingMillis, MEASURED_SEED);
    awaitLoaded(load, t0);
    long loaded = System.nanoTime();
    long journalBytes = bytesUnder(base.resolve(origin.site()).resolve("journal"));
    GcLog.Peaks originLoading = GcLog.peaks(origin.gcLog(), 0);
    long originGcOffset = GcLog.end(origin.gcLog());
    System.out.printf("  %5.1fs site-a holds %,d entries (journal %s on disk); starting the peers%n",
        (loaded - t0) / 1e9, options.entries, ProcessStats.mib(journalBytes));

    long peersStarted = System.nanoTime();
    List<Node> receivers = new ArrayList<>();
    for (String peer : peers) receivers.add(start(peer));
    for (Node r : receivers) launcher.awaitConnected(r.process(), r.ports().admin(), r.log(), STARTUP);
    receivers.forEach(report::countFrom);
    long[] linksUp = {-1}; // when site-a's links to every peer were first seen up: it redials with backoff
    long done = awaitApplied(origin, receivers, load, options.entries, peersStarted,
        "catching up: applied at every peer", now -> {
      if (linksUp[0] < 0 && launcher.connected(origin.ports().admin())) linksUp[0] = now;
    });
    report.print(origin, receivers, (done - t0) / 1e9, new ProcessReport.Backlog((loaded - t0) / 1e9,
        journalBytes, originLoading, originGcOffset, (done - peersStarted) / 1e9,
        linksUp[0] < 0 ? -1 : (linksUp[0] - peersStarted) / 1e9));
    return 0;
  }

  /** Starts node {@code site} with a GC log, its peers dialled as the delay proxies say. */
  private Node start(String site) throws IOException {
    Path config = base.resolve(site + ".conf");
    Path dataDir = base.resolve(site);
    Files.writeString(config, NodeLauncher.nodeConfig(site, dataDir, ports.get(site),
        delayed.peersOf(site), ""));
    Path log = base.resolve(site + ".log");
    Path gcLog = base.resolve(site + "-gc.log");
    List<String> jvm = new ArrayList<>(jvmFlags(options.nodeJvm));
    jvm.add(GcLog.flag(gcLog));
    Process p = launcher.start(jvm, log, "node", "--config", config.toString());
    return new Node(site, ports.get(site), p, log, gcLog, dataDir);
  }

  private Path loadLog() {
    return base.resolve("load.log");
  }

  /**
   * With {@code --system-warmup}, a load of its own at {@link #SYSTEM_WARMUP_RATE} in batches of 100 until every peer
   * applied it; another seed, so that the measured run does not replay the warm-up's inodes in the same order (it finds
   * some of them written, as a site that has run for a while would). Returns what the peers had applied from the
   * origin before the measured run (0 without). Counted in no figure but the lag since node start. Paced, as the Kafka baseline's: a flat-out warm-up left the measured run slower (28.7K entries/s after
   * 600,000 entries flat out), behind the compactions and the peer's backlog it left.
   */
  private long systemWarmup(Node origin, List<Node> receivers) throws Exception {
    long count = options.systemWarmupEntries;
    if (count <= 0) return 0;
    System.out.printf("  system warm-up: %,d entries at %,d/s through the same nodes (not measured)%n", count,
        SYSTEM_WARMUP_RATE);
    long t0 = System.nanoTime();
    Process load = startLoad(origin, base.resolve("warmup-load.log"), count, SYSTEM_WARMUP_RATE,
        100 * 1000 / SYSTEM_WARMUP_RATE, WARMUP_SEED);
    awaitApplied(origin, receivers, load, count, t0, "system warm-up: applied at every peer", now -> { });
    if (!load.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the warm-up load did not end");
    resetLagWindows(origin, receivers);
    return count;
  }

  private Process startLoad(Node origin, Path log, long count, long rate, long pacingMillis, long seed)
      throws IOException {
    return launcher.start(jvmFlags(options.loadJvm), log, "load",
        "--node", "http://127.0.0.1:" + origin.ports().ingest(), "--site", origin.site(),
        "--count", Long.toString(count), "--rate", Long.toString(rate),
        "--shards", Integer.toString(options.shards), "--inodes", Long.toString(options.inodes),
        "--payload", Integer.toString(options.payload), "--batch", Integer.toString(options.appendBatch),
        "--in-flight", Integer.toString(options.inFlight), "--pacing-ms", Long.toString(pacingMillis),
        "--seed", Long.toString(seed));
  }

  /** Until the load process has ended well, showing what it has had acknowledged. */
  private void awaitLoaded(Process load, long t0) throws Exception {
    long lastReport = t0;
    while (!load.waitFor(20, TimeUnit.MILLISECONDS)) { // the end time is known to 20 ms
      long now = System.nanoTime();
      if (now - lastReport > TimeUnit.SECONDS.toNanos(2)) {
        lastReport = now;
        Matcher acked = LOAD_ACKED.matcher(Files.readString(loadLog()));
        String last = "0";
        while (acked.find()) last = acked.group(1);
        System.out.printf("  %5.1fs loading site-a: %s acknowledged%n", (now - t0) / 1e9, last);
      }
    }
    if (load.exitValue() != 0) {
      throw new IllegalStateException("the load process failed (exit " + load.exitValue() + "), see " + loadLog());
    }
  }

  /**
   * Polls until every receiver has applied every entry, and returns when the last of them applied its last batch (on
   * the nanoTime scale, to the millisecond). Polling seldom keeps the measurement from loading the nodes it measures:
   * every 20 ms the bench process alone took 5 % of the two cores at 10K entries/s.
   */
  private long awaitApplied(Node origin, List<Node> receivers, Process load, long target, long since, String progress,
                            Tick tick) throws Exception {
    long lastReport = since;
    while (true) {
      long now = System.nanoTime();
      tick.at(now);
      long applied = Long.MAX_VALUE;
      long lastAppliedMillis = 0;
      for (Node r : receivers) {
        JsonNode lag = launcher.get(r.ports().admin(), "/replication/apply-lag");
        applied = Math.min(applied, lag.path("sinceStart").path(origin.site()).path("count").asLong());
        lastAppliedMillis = Math.max(lastAppliedMillis, lag.path("lastAppliedMillis").path(origin.site()).asLong());
      }
      if (applied >= target) {
        return System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - lastAppliedMillis);
      }
      if (!load.isAlive() && load.exitValue() != 0) {
        throw new IllegalStateException("a load process failed (exit " + load.exitValue() + "), see its log in "
            + base);
      }
      if (now - lastReport > TimeUnit.SECONDS.toNanos(2)) {
        lastReport = now;
        System.out.printf("  %5.1fs %s %,d%n", (now - since) / 1e9, progress, applied);
      }
      TimeUnit.MILLISECONDS.sleep(250); // polling progress, not waiting for a result
    }
  }

  /** The origin's too: it counts the entries' ages before they leave it. */
  private void resetLagWindows(Node origin, List<Node> receivers) throws IOException, InterruptedException {
    launcher.post(origin.ports().admin(), "/replication/apply-lag/reset");
    for (Node r : receivers) launcher.post(r.ports().admin(), "/replication/apply-lag/reset");
  }

  /** Bytes of the files under {@code dir}; -1 where it does not exist. */
  private static long bytesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return -1;
    try (Stream<Path> files = Files.walk(dir)) {
      long sum = 0;
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        try {
          sum += Files.size(f);
        } catch (NoSuchFileException compactedAway) {
          // RocksDB replaced the file meanwhile: its data is in the one that replaced it
        }
      }
      return sum;
    }
  }

  /** The flags of {@code --node-jvm}: any whitespace separates them (an empty one would be taken for the class). */
  static List<String> jvmFlags(String flags) {
    return flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
  }
}
