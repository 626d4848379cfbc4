package io.cfs.repl.admin.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.tools.bench.ProcessBench.Node;
import io.cfs.repl.engine.metrics.EntryStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results of {@code cfs bench --processes}: each process's CPU from /proc since it was counted in (a node once it
 * was up, so JVM start-up is left out) and since the warm-up ended, then the results block, a line or two per figure,
 * ending with one RESULT line of them all for scripts.
 */
final class ProcessReport {
  private static final Pattern LOAD_STATS = Pattern.compile("LOAD-STATS cpuNanos=(-?\\d+) peakRssBytes=(-?\\d+)");
  private final BenchCommand options;
  private final NodeLauncher launcher;
  private final Path loadLog;
  private final Map<Node, Long> cpuFrom = new LinkedHashMap<>();
  private final Map<Node, Map<String, Long>> threadsFrom = new LinkedHashMap<>();
  private final Map<Node, GcMark> gcFrom = new LinkedHashMap<>();
  private long warmCpu = -1; // all nodes' CPU, and the load's, when the warm-up ended
  private long warmLoadCpu = -1;
  private StringBuilder result;

  /**
   * What the backlog mode measured: the load into site A alone, then the peers' catch-up from their start (and from
   * when site A's links to them were up again, -1 if never seen); site A's heap while loading is its GC log up to
   * {@code originGcOffset}.
   */
  record Backlog(double loadSeconds, long journalBytes, GcLog.Peaks originLoading, long originGcOffset,
                 double catchUpSeconds, double linksUpSeconds) {
  }

  ProcessReport(BenchCommand options, NodeLauncher launcher, Path loadLog) {
    this.options = options;
    this.launcher = launcher;
    this.loadLog = loadLog;
  }

  /** Counts {@code node}'s CPU from now on. */
  void countFrom(Node node) {
    cpuFrom.put(node, ProcessStats.cpuNanos(node.process().pid()));
    threadsFrom.put(node, ProcessStats.threadCpuNanos(node.process().pid()));
    gcFrom.put(node, gcMark(node));
  }

  /** The warm-up ended: steady-state CPU counts from now on. */
  void warmedUp(Process load) {
    warmCpu = 0;
    for (Node n : cpuFrom.keySet()) warmCpu += ProcessStats.cpuNanos(n.process().pid());
    warmLoadCpu = ProcessStats.cpuNanos(load.pid());
    threadsFrom.replaceAll((n, before) -> ProcessStats.threadCpuNanos(n.process().pid()));
    gcFrom.replaceAll((n, before) -> gcMark(n));
  }

  /** Where a node's GC log ended, and when: its pauses are counted from there. */
  private record GcMark(long offset, long nanos) {
  }

  private static GcMark gcMark(Node node) {
    try {
      return new GcMark(GcLog.end(node.gcLog()), System.nanoTime());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints the results of a run of {@code seconds} (load start to applied at every peer); backlog null if none. */
  void print(Node origin, List<Node> receivers, double seconds, Backlog backlog) throws Exception {
    Matcher stats = LOAD_STATS.matcher(Files.readString(loadLog));
    long loadCpu = stats.find() ? Long.parseLong(stats.group(1)) : -1;
    long loadRss = stats.find(0) ? Long.parseLong(stats.group(2)) : -1;
    System.out.println("---- results ----");
    result = new StringBuilder(String.format("RESULT mode=%s peers=%d rate=%d entries=%d shards=%d payload=%d"
        + " peer_delay_ms=%d", backlog == null ? "processes" : "processes-backlog", options.peers, options.rate,
        options.entries, options.shards, options.payload, options.peerDelayMillis));
    if (backlog == null) {
      System.out.printf("throughput      %,.0f entries/s end to end (%,d entries in %.2f s, load start to applied at"
          + " every peer)%n", options.entries / seconds, options.entries, seconds);
      result.append(String.format(" throughput=%.0f", options.entries / seconds));
      lags(origin, receivers);
    } else {
      backlog(backlog);
    }
    gcPauses();
    batches(origin);
    long steadyEntries = receivers.isEmpty() ? 0 : launcher.get(receivers.get(0).ports().admin(),
        "/replication/apply-lag").path("window").path(origin.site()).path("count").asLong();
    cpu(loadCpu, seconds, steadyEntries);
    StringBuilder rss = new StringBuilder();
    for (Node n : cpuFrom.keySet()) {
      long peak = ProcessStats.peakRssBytes(n.process().pid());
      rss.append(n.site()).append(' ').append(ProcessStats.mib(peak)).append(", ");
      result.append(String.format(" rss_%s_mib=%.0f", n.site(), peak / 1048576.0));
    }
    System.out.printf("peak RSS        %sload %s%n", rss, ProcessStats.mib(loadRss));
    result.append(String.format(" rss_load_mib=%.0f", loadRss / 1048576.0));
    if (backlog != null) heap(origin, backlog);
    if (options.threadCpu) { // after the warm-up, if any
      long counted = steadyEntries > 0 ? steadyEntries : options.entries;
      for (Node n : cpuFrom.keySet()) printThreadCpu(n, threadsFrom.get(n), counted);
    }
    System.out.println(result);
  }

  private void lags(Node origin, List<Node> receivers) throws Exception {
    JsonNode atOrigin = launcher.get(origin.ports().admin(), "/replication/apply-lag").path("stages").path("window");
    for (Node r : receivers) {
      JsonNode lag = launcher.get(r.ports().admin(), "/replication/apply-lag");
      JsonNode all = lag.path("sinceStart").path(origin.site());
      JsonNode steady = lag.path("window").path(origin.site());
      System.out.printf("lag at %s      %s (%s)%n", r.site(), millis(all), options.systemWarmupEntries > 0
          ? "every entry since the node started, the system warm-up's included" : "all entries");
      System.out.printf("                %s (after %d s warm-up)%n", millis(steady), options.warmupSeconds);
      JsonNode durable = lag.path("durable").path("window").path(origin.site());
      System.out.printf("  to durable:   %s (after %d s warm-up; the ack waits for it)%n", millis(durable),
          options.warmupSeconds);
      stages(atOrigin, lag, origin.site(), r.site(), steady);
      if (options.rate > 0) slowSeconds(lag, origin.site(), r); // flat out the tail is the backlog, not a stall
      result.append(String.format(" %s_lag_all_p50_ms=%.2f %s_lag_all_p99_ms=%.2f %s_lag_all_max_ms=%.2f"
              + " %s_lag_p50_ms=%.2f %s_lag_p99_ms=%.2f %s_lag_max_ms=%.2f", r.site(), ms(all, "p50Micros"),
          r.site(), ms(all, "p99Micros"), r.site(), ms(all, "maxMicros"), r.site(), ms(steady, "p50Micros"),
          r.site(), ms(steady, "p99Micros"), r.site(), ms(steady, "maxMicros")));
      result.append(String.format(" %s_durable_lag_p50_ms=%.2f %s_durable_lag_p99_ms=%.2f %s_durable_lag_max_ms=%.2f",
          r.site(), ms(durable, "p50Micros"), r.site(), ms(durable, "p99Micros"), r.site(), ms(durable, "maxMicros")));
    }
  }

  /**
   * Where the lag to {@code peer} comes from: the entries' mean age (and the p99 of the batches' means) at each stage
   * after the warm-up, the origin's stages from its own window, then the peer's; the last is the lag above.
   */
  private void stages(JsonNode atOrigin, JsonNode atPeer, String originSite, String peer, JsonNode applied) {
    StringBuilder line = new StringBuilder();
    for (EntryStage stage : EntryStage.values()) {
      // the peer counts what it received; the origin the rest, its link's by the peer
      JsonNode where = stage == EntryStage.RECEIVED ? atPeer.path("stages").path("window") : atOrigin;
      JsonNode s = where.path(stage.label()).path(stage == EntryStage.SHIPPED ? peer : originSite);
      line.append(String.format("%s %.2f (%.2f) | ", stage.label(), ms(s, "meanMicros"), ms(s, "p99Micros")));
      result.append(String.format(" %s_age_mean_ms_%s=%.2f", peer, stage.label(), ms(s, "meanMicros")));
    }
    line.append(String.format("applied %.2f (%.2f)", ms(applied, "meanMicros"), ms(applied, "p99Micros")));
    result.append(String.format(" %s_lag_mean_ms=%.2f", peer, ms(applied, "meanMicros")));
    System.out.printf("  by stage:     %s ms, mean age (p99) after %d s warm-up; per batch at its mean%n", line,
        options.warmupSeconds);
  }

  /** Which seconds after the warm-up hold the lag tail, and what else ran in them. */
  private void slowSeconds(JsonNode lag, String origin, Node receiver) throws Exception {
    JsonNode bySecond = launcher.get(receiver.ports().admin(), "/replication/apply-lag?seconds=true");
    JsonNode seconds = bySecond.path("seconds").path(origin);
    if (seconds.isEmpty()) return;
    List<Long> thresholds = new ArrayList<>();
    bySecond.path("overThresholdsMillis").forEach(t -> thresholds.add(t.asLong()));
    List<SlowSeconds.Activity> nodes = new ArrayList<>();
    List<String> lines;
    try {
      for (Node n : cpuFrom.keySet()) nodes.add(SlowSeconds.activity(n.site(), n.gcLog(), n.dataDir()));
      lines = SlowSeconds.describe(SlowSeconds.parse(seconds), thresholds,
          lag.path("window").path(origin).path("p99Micros").asLong(), lag.path("windowSinceMillis").asLong(), nodes);
    } catch (IOException | RuntimeException e) { // a figure of the report, not worth the RESULT line after it
      lines = List.of("not laid out: " + e);
    }
    for (int i = 0; i < lines.size(); i++) {
      System.out.printf("%s%s%n", i == 0 ? "  the tail:     " : "                ", lines.get(i));
    }
  }

  /** Each node's GC pauses since the warm-up ended (or since it was counted in, without one). */
  private void gcPauses() throws Exception {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<Node, GcMark> n : gcFrom.entrySet()) {
      GcLog.Pauses pauses = GcLog.pauses(n.getKey().gcLog(), n.getValue().offset());
      double seconds = (System.nanoTime() - n.getValue().nanos()) / 1e9;
      line.append(line.length() == 0 ? "" : "\n                ").append(n.getKey().site()).append(": ")
          .append(pauses.describe(seconds));
      result.append(String.format(" gc_pauses_%s=%d gc_pause_ms_%s=%.1f gc_pause_max_ms_%s=%.1f", n.getKey().site(),
          pauses.count(), n.getKey().site(), pauses.totalMillis(), n.getKey().site(), pauses.longestMillis()));
    }
    System.out.printf("GC pauses       %s (%s)%n", line, warmCpu >= 0 ? "after warm-up" : "since the nodes were up");
  }

  private void batches(Node origin) throws Exception {
    for (JsonNode link : launcher.get(origin.ports().admin(), "/replication/status").path("peers")) {
      long batches = link.path("ackedBatches").asLong();
      double perBatch = batches == 0 ? 0 : link.path("ackedEntries").asDouble() / batches;
      System.out.printf("batches to %s  %,d acknowledged, %.1f entries per batch%n", link.path("peer").asText(),
          batches, perBatch);
      result.append(String.format(" %s_entries_per_batch=%.1f", link.path("peer").asText(), perBatch));
    }
  }

  private void backlog(Backlog b) {
    long n = options.entries;
    System.out.printf("loading         %,.0f entries/s into site-a alone (%,d entries in %.2f s, load start to its"
        + " exit); site-a's journal then %s on disk (%.0f bytes per entry)%n", n / b.loadSeconds(), n,
        b.loadSeconds(), ProcessStats.mib(b.journalBytes()), (double) b.journalBytes() / n);
    // site-a redials a peer with backoff (up to its max) for as long as it was down: part of a real catch-up, but
    // the rate once the links were up is the replication's own
    double linked = b.linksUpSeconds() < 0 ? -1 : n / (b.catchUpSeconds() - b.linksUpSeconds());
    System.out.printf("catch-up        %,.0f entries/s (%.2f s from the peers' start to applied at every peer);"
        + " site-a's links to them up after %.2f s, %,.0f entries/s from then%n", n / b.catchUpSeconds(),
        b.catchUpSeconds(), b.linksUpSeconds(), linked);
    result.append(String.format(" load_s=%.2f load_eps=%.0f journal_mib_site-a=%s catchup_s=%.2f catchup_eps=%.0f"
        + " catchup_links_up_s=%.2f catchup_linked_eps=%.0f", b.loadSeconds(), n / b.loadSeconds(),
        mib(b.journalBytes()), b.catchUpSeconds(), n / b.catchUpSeconds(), b.linksUpSeconds(), linked));
  }

  private void heap(Node origin, Backlog b) throws Exception {
    for (Node n : cpuFrom.keySet()) {
      GcLog.Peaks peaks = GcLog.peaks(n.gcLog(), 0);
      System.out.printf("heap of %-8s%s%n", n.site(), peaks.describe());
      if (n.equals(origin)) {
        System.out.printf("                loading: %s; catch-up: %s%n", b.originLoading().describe(),
            GcLog.peaks(n.gcLog(), b.originGcOffset()).describe());
      }
      result.append(String.format(" heap_after_gc_peak_mib_%s=%s heap_before_gc_peak_mib_%s=%s", n.site(),
          mib(peaks.afterGc()), n.site(), mib(peaks.beforeGc())));
    }
  }

  private void cpu(long loadCpu, double seconds, long steadyEntries) {
    long nodeCpu = 0;
    long nodeCpuNow = 0;
    for (Map.Entry<Node, Long> n : cpuFrom.entrySet()) {
      long now = ProcessStats.cpuNanos(n.getKey().process().pid());
      nodeCpu += now - n.getValue();
      nodeCpuNow += now;
    }
    double cpuPerEntry = (nodeCpu + Math.max(0, loadCpu)) / 1e3 / options.entries;
    System.out.printf("cpu             %.1f s nodes + %.1f s load = %.1f us per entry (%.0f%% of %d cores)%n",
        nodeCpu / 1e9, loadCpu / 1e9, cpuPerEntry, 100 * (nodeCpu + Math.max(0, loadCpu)) / 1e9 / seconds
            / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
    result.append(String.format(" cpu_us_per_entry=%.1f", cpuPerEntry));
    if (warmCpu >= 0 && warmLoadCpu >= 0 && loadCpu >= 0 && steadyEntries > 0) {
      // JIT compilation of freshly started JVMs is most of the first seconds' CPU: steady state leaves it out
      double steady = (nodeCpuNow - warmCpu + loadCpu - warmLoadCpu) / 1e3 / steadyEntries;
      System.out.printf("                %.1f us per entry after %d s warm-up (%,d entries)%n", steady,
          options.warmupSeconds, steadyEntries);
      result.append(String.format(" cpu_us_per_entry_steady=%.1f", steady));
    }
  }

  /** Where a node's CPU went during the run, by thread (threads that ended meanwhile are not counted). */
  private static void printThreadCpu(Node node, Map<String, Long> before, long entries) {
    Map<String, Long> after = ProcessStats.threadCpuNanos(node.process().pid());
    long total = 0;
    List<Map.Entry<String, Long>> spent = new ArrayList<>();
    for (Map.Entry<String, Long> t : after.entrySet()) {
      long d = t.getValue() - before.getOrDefault(t.getKey(), 0L);
      if (d > 0) spent.add(Map.entry(t.getKey(), d));
      total += Math.max(0, d);
    }
    spent.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    System.out.printf("cpu of %s by thread (%.1f s, %.1f us per entry):%n", node.site(), total / 1e9,
        total / 1e3 / entries);
    for (Map.Entry<String, Long> t : spent.subList(0, Math.min(12, spent.size()))) {
      System.out.printf("  %5.1f%%  %-16s %6.2f us per entry%n", 100.0 * t.getValue() / total, t.getKey(),
          t.getValue() / 1e3 / entries);
    }
  }

  /** Whole MiB for the RESULT line, -1 when unknown. */
  private static String mib(long bytes) {
    return bytes < 0 ? "-1" : String.format("%.0f", bytes / 1048576.0);
  }

  private static double ms(JsonNode summary, String field) {
    return summary.path(field).asLong() / 1000.0;
  }

  private static String millis(JsonNode s) {
    return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%d)", ms(s, "p50Micros"),
        ms(s, "p99Micros"), ms(s, "p999Micros"), ms(s, "maxMicros"), s.path("count").asLong());
  }
}
