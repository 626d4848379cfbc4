package io.cfs.repl.admin.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cfs bench --processes}: each site a node JVM of its own on embedded storage (fsync on), and the load a third
 * kind of process writing to site A through the binary ingest stream, as a metadata service would. Lag is what every
 * peer node measures for every entry it applies (apply time minus the entry's hlc, one host so one clock), read
 * from its {@code /replication/apply-lag}; the window is reset after the warm-up. CPU and peak RSS come from /proc
 * for each process.
 */
final class ProcessBench {
  private static final Pattern LOAD_STATS = Pattern.compile("LOAD-STATS cpuNanos=(-?\\d+) peakRssBytes=(-?\\d+)");
  private final BenchCommand options;

  ProcessBench(BenchCommand options) {
    this.options = options;
  }

  /** One node of the run. */
  private record Node(String site, NodeLauncher.Ports ports, Process process, Path log) {
  }

  int run(Path base) throws Exception {
    Files.createDirectories(base);
    List<String> sites = new ArrayList<>();
    for (int i = 0; i <= options.peers; i++) sites.add("site-" + (char) ('a' + i));
    Map<String, NodeLauncher.Ports> ports = new LinkedHashMap<>();
    for (String site : sites) ports.put(site, NodeLauncher.Ports.free());
    long delay = options.peerDelayMillis;
    if (delay < 0) throw new IllegalArgumentException("--peer-delay-ms must be >= 0, was " + delay);
    System.out.printf("bench (processes): %,d entries from site-a to %d peer(s)%s, rate %s, %d shards, %d-byte"
        + " payloads, batches of %d x %d in flight over the binary ingest, node JVMs %s, data and logs in %s%n",
        options.entries, options.peers, delay == 0 ? "" : String.format(", each %d ms away (a proxy in front of its"
            + " link listener delays each direction by %d ms: round trip %d ms)", delay, delay, 2 * delay),
        options.rate == 0 ? "flat out" : options.rate + "/s", options.shards,
        options.payload, options.appendBatch, options.inFlight, options.nodeJvm, base);
    try (DelayedPeers delayed = DelayedPeers.start(ports, sites.subList(1, sites.size()), Duration.ofMillis(delay));
         NodeLauncher launcher = new NodeLauncher()) {
      List<Node> nodes = new ArrayList<>();
      for (String site : sites) {
        Path config = base.resolve(site + ".conf");
        Files.writeString(config, NodeLauncher.nodeConfig(site, base.resolve(site), ports.get(site),
            delayed.peersOf(site), ""));
        Path log = base.resolve(site + ".log");
        Process p = launcher.start(List.of(options.nodeJvm.split(" ")), log, "node", "--config", config.toString());
        nodes.add(new Node(site, ports.get(site), p, log));
      }
      for (Node n : nodes) launcher.awaitConnected(n.process(), n.ports().admin(), n.log(), Duration.ofSeconds(120));
      Node origin = nodes.get(0);
      List<Node> receivers = nodes.subList(1, nodes.size());

      Map<Long, Long> cpuBefore = new LinkedHashMap<>();
      Map<Long, Map<String, Long>> threadsBefore = new LinkedHashMap<>();
      for (Node n : nodes) {
        cpuBefore.put(n.process().pid(), ProcessStats.cpuNanos(n.process().pid()));
        threadsBefore.put(n.process().pid(), ProcessStats.threadCpuNanos(n.process().pid()));
      }
      Path loadLog = base.resolve("load.log");
      long t0 = System.nanoTime();
      Process load = launcher.start(List.of("-Xmx1g"), loadLog, "load",
          "--node", "http://127.0.0.1:" + origin.ports().ingest(), "--site", origin.site(),
          "--count", Long.toString(options.entries), "--rate", Long.toString(options.rate),
          "--shards", Integer.toString(options.shards), "--inodes", Long.toString(options.inodes),
          "--payload", Integer.toString(options.payload), "--batch", Integer.toString(options.appendBatch),
          "--in-flight", Integer.toString(options.inFlight), "--pacing-ms", Long.toString(options.pacingMillis));
      boolean warm = options.warmupSeconds == 0;
      long warmCpu = -1; // all nodes' CPU, and the load's, when the warm-up ended
      long warmLoadCpu = -1;
      long lastReport = t0;
      long done;
      while (true) {
        long now = System.nanoTime();
        if (!warm && now - t0 >= TimeUnit.SECONDS.toNanos(options.warmupSeconds)) {
          for (Node r : receivers) launcher.post(r.ports().admin(), "/replication/apply-lag/reset");
          warmCpu = 0;
          for (Node n : nodes) warmCpu += ProcessStats.cpuNanos(n.process().pid());
          warmLoadCpu = ProcessStats.cpuNanos(load.pid());
          for (Node n : nodes) threadsBefore.put(n.process().pid(), ProcessStats.threadCpuNanos(n.process().pid()));
          warm = true;
        }
        long applied = Long.MAX_VALUE;
        for (Node r : receivers) applied = Math.min(applied, appliedFrom(launcher, r, origin.site()));
        if (applied >= options.entries) {
          done = System.nanoTime();
          break;
        }
        if (!load.isAlive() && load.exitValue() != 0) {
          throw new IllegalStateException("the load process failed (exit " + load.exitValue() + "), see " + loadLog);
        }
        if (now - lastReport > TimeUnit.SECONDS.toNanos(2)) {
          lastReport = now;
          System.out.printf("  %5.1fs applied at every peer %,d%n", (now - t0) / 1e9, applied);
        }
        TimeUnit.MILLISECONDS.sleep(20); // polling progress; the end time is known to 20 ms
      }
      if (!load.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the load process did not end");
      double seconds = (done - t0) / 1e9;
      long nodeCpu = 0;
      long nodeCpuNow = 0;
      for (Node n : nodes) {
        long now = ProcessStats.cpuNanos(n.process().pid());
        nodeCpu += now - cpuBefore.get(n.process().pid());
        nodeCpuNow += now;
      }
      Matcher stats = LOAD_STATS.matcher(Files.readString(loadLog));
      long loadCpu = stats.find() ? Long.parseLong(stats.group(1)) : -1;
      long loadRss = stats.find(0) ? Long.parseLong(stats.group(2)) : -1;

      System.out.println("---- results ----");
      System.out.printf("throughput      %,.0f entries/s end to end (%,d entries in %.2f s, load start to applied at"
          + " every peer)%n", options.entries / seconds, options.entries, seconds);
      StringBuilder result = new StringBuilder(String.format("RESULT mode=processes peers=%d rate=%d entries=%d"
          + " shards=%d payload=%d peer_delay_ms=%d throughput=%.0f", options.peers, options.rate, options.entries,
          options.shards, options.payload, delay, options.entries / seconds));
      for (Node r : receivers) {
        JsonNode lag = launcher.get(r.ports().admin(), "/replication/apply-lag");
        JsonNode all = lag.path("sinceStart").path(origin.site());
        JsonNode steady = lag.path("window").path(origin.site());
        System.out.printf("lag at %s      %s (all entries)%n", r.site(), millis(all));
        System.out.printf("                %s (after %d s warm-up)%n", millis(steady), options.warmupSeconds);
        result.append(String.format(" %s_lag_all_p50_ms=%.2f %s_lag_all_p99_ms=%.2f %s_lag_all_max_ms=%.2f"
                + " %s_lag_p50_ms=%.2f %s_lag_p99_ms=%.2f %s_lag_max_ms=%.2f", r.site(), ms(all, "p50Micros"),
            r.site(), ms(all, "p99Micros"), r.site(), ms(all, "maxMicros"), r.site(), ms(steady, "p50Micros"),
            r.site(), ms(steady, "p99Micros"), r.site(), ms(steady, "maxMicros")));
      }
      for (JsonNode link : launcher.get(origin.ports().admin(), "/replication/status").path("peers")) {
        long batches = link.path("ackedBatches").asLong();
        double perBatch = batches == 0 ? 0 : link.path("ackedEntries").asDouble() / batches;
        System.out.printf("batches to %s  %,d acknowledged, %.1f entries per batch%n", link.path("peer").asText(),
            batches, perBatch);
        result.append(String.format(" %s_entries_per_batch=%.1f", link.path("peer").asText(), perBatch));
      }
      double cpuPerEntry = (nodeCpu + Math.max(0, loadCpu)) / 1e3 / options.entries;
      System.out.printf("cpu             %.1f s nodes + %.1f s load = %.1f us per entry (%.0f%% of %d cores)%n",
          nodeCpu / 1e9, loadCpu / 1e9, cpuPerEntry, 100 * (nodeCpu + Math.max(0, loadCpu)) / 1e9 / seconds
              / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
      result.append(String.format(" cpu_us_per_entry=%.1f", cpuPerEntry));
      long steadyEntries = receivers.isEmpty() ? 0 : launcher.get(receivers.get(0).ports().admin(),
          "/replication/apply-lag").path("window").path(origin.site()).path("count").asLong();
      if (warmCpu >= 0 && warmLoadCpu >= 0 && loadCpu >= 0 && steadyEntries > 0) {
        // JIT compilation of freshly started JVMs is most of the first seconds' CPU: steady state leaves it out
        double steady = (nodeCpuNow - warmCpu + loadCpu - warmLoadCpu) / 1e3 / steadyEntries;
        System.out.printf("                %.1f us per entry after %d s warm-up (%,d entries)%n", steady,
            options.warmupSeconds, steadyEntries);
        result.append(String.format(" cpu_us_per_entry_steady=%.1f", steady));
      }
      StringBuilder rss = new StringBuilder();
      for (Node n : nodes) {
        long peak = ProcessStats.peakRssBytes(n.process().pid());
        rss.append(n.site()).append(' ').append(ProcessStats.mib(peak)).append(", ");
        result.append(String.format(" rss_%s_mib=%.0f", n.site(), peak / 1048576.0));
      }
      System.out.printf("peak RSS        %sload %s%n", rss, ProcessStats.mib(loadRss));
      result.append(String.format(" rss_load_mib=%.0f", loadRss / 1048576.0));
      if (options.threadCpu) { // after the warm-up, if any
        long counted = steadyEntries > 0 ? steadyEntries : options.entries;
        for (Node n : nodes) printThreadCpu(n, threadsBefore.get(n.process().pid()), counted);
      }
      System.out.println(result);
      return 0;
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

  private static long appliedFrom(NodeLauncher launcher, Node receiver, String origin) throws Exception {
    return launcher.get(receiver.ports().admin(), "/replication/apply-lag").path("sinceStart").path(origin)
        .path("count").asLong();
  }

  private static double ms(JsonNode summary, String field) {
    return summary.path(field).asLong() / 1000.0;
  }

  private static String millis(JsonNode s) {
    return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%d)", ms(s, "p50Micros"),
        ms(s, "p99Micros"), ms(s, "p999Micros"), ms(s, "maxMicros"), s.path("count").asLong());
  }
}
