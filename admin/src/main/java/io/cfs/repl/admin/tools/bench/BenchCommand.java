package io.cfs.repl.admin.tools.bench;

import io.cfs.repl.admin.tools.demo.LocalSites;
import io.cfs.repl.admin.tools.workload.WorkloadDriver;
import io.cfs.repl.admin.tools.workload.WorkloadSpec;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.LatencyHistogram;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.store.ApplyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replicates N entries from site A to site B over loopback TCP on embedded storage (fsync on) and prints
 * throughput, replication lag (apply time at B minus the entry's hlc at A, per entry), append latency, CPU time and
 * peak memory. Both sites run in this JVM, so CPU and memory are for the pair; with {@code --processes} every site is
 * a node JVM and the load a process of its own ({@link ProcessBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark A->B replication: throughput, lag percentiles, CPU and memory.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--entries", defaultValue = "1000000", description = "entries to replicate")
  long entries;

  @Option(names = "--rate", defaultValue = "0", description = "offered entries/s, 0 = flat out")
  long rate;

  @Option(names = "--shards", defaultValue = "64", description = "shards")
  int shards;

  @Option(names = "--inodes", defaultValue = "1000000", description = "inode ids")
  long inodes;

  @Option(names = "--payload", defaultValue = "200", description = "payload bytes per entry")
  int payload;

  @Option(names = "--append-batch", defaultValue = "500", description = "entries per append call")
  int appendBatch;

  @Option(names = "--in-flight", defaultValue = "8", description = "append calls in flight")
  int inFlight;

  @Option(names = "--warmup", defaultValue = "5", description = "seconds of JIT warm-up reported apart")
  long warmupSeconds;

  @Option(names = "--system-warmup", defaultValue = "0", description = "with --processes: entries written at 10K/s"
      + " (another seed) through the same nodes before the measured run, left out of every figure but the lag since"
      + " node start: the JIT then works before the clock starts, as in the Kafka baseline's system warm-up")
  long systemWarmupEntries;

  @Option(names = "--data-dir", description = "data dir (default: a fresh temp dir)")
  Path dataDir;

  @Option(names = "--storage", defaultValue = "embedded",
      description = "embedded (RocksDB + H2) or postgres (a scratch database next to --postgres-url, dropped after)")
  String storage;

  @Option(names = "--postgres-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test",
      description = "with --storage postgres: a database on the server to use (user postgres, trust auth)")
  String postgresUrl;

  @Option(names = "--processes", description = "each site a node JVM, the load a third process through the ingest")
  boolean processes;

  @Option(names = "--peers", defaultValue = "1", description = "with --processes: sites replicating from site-a")
  int peers;

  @Option(names = "--peer-delay-ms", defaultValue = "0",
      description = "with --processes: each peer's link listener behind a proxy (in this JVM) delaying every byte"
          + " this many ms each way, so a round trip from site-a takes twice it")
  long peerDelayMillis;

  @Option(names = "--backlog", description = "with --processes: the peers start only once site-a has taken every"
      + " entry; measures their catch-up, each node's heap (GC logs) and site-a's journal on disk")
  boolean backlog;

  // G1's default pause goal (200 ms) let young pauses reach 90 ms at 10K entries/s: that was the lag's p99
  @Option(names = "--node-jvm", defaultValue = "-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=10",
      description = "with --processes: JVM flags of the node processes")
  String nodeJvm;

  @Option(names = "--load-jvm", defaultValue = "-Xmx1g",
      description = "with --processes: JVM flags of the load process")
  String loadJvm;

  @Option(names = "--pacing-ms", defaultValue = "2",
      description = "with --processes and --rate: the load sends what is due every this many ms, as one batch")
  long pacingMillis;

  @Option(names = "--thread-cpu", description = "with --processes: print where each node's CPU went, by thread")
  boolean threadCpu;

  @Option(names = "--keep", description = "keep the scratch data dir (default: removed at the end)")
  boolean keep;

  @Option(names = "--verify", description = "verify-and-repair between two stores of --inodes inodes (one JVM, a"
      + " real verify link): bytes exchanged and time, equal and with --differences planted")
  boolean verify;

  @Option(names = "--differences", defaultValue = "10", description = "with --verify: differences planted")
  int differences;

  @Override
  public Integer call() throws Exception {
    Path base = dataDir != null ? dataDir : Files.createTempDirectory("cfs-bench");
    try {
      if (verify) return VerifyBench.run(inodes, differences, payload, base);
      return processes ? ProcessBench.run(this, base) : inProcess(base);
    } finally {
      if (!keep && dataDir == null) ScratchDirs.delete(base);
    }
  }

  private Integer inProcess(Path base) throws Exception {
    LatencyHistogram lag = new LatencyHistogram();
    LatencyHistogram steadyLag = new LatencyHistogram();
    AtomicLong steadyFromHlc = new AtomicLong(Long.MAX_VALUE);
    AtomicReference<LatencyHistogram> windowLag = new AtomicReference<>(new LatencyHistogram());
    LatencyHistogram append = new LatencyHistogram();
    AtomicLong applied = new AtomicLong();
    AtomicLong lastApplyNanos = new AtomicLong();
    ApplyListener recorder = new ApplyListener() {
      @Override
      public void onBatchApplied(String origin, List<JournalEntry> batch, ApplyResult result, long appliedAt) {
        LatencyHistogram window = windowLag.get();
        for (JournalEntry e : batch) {
          lag.recordNanos(appliedAt - e.hlc());
          window.recordNanos(appliedAt - e.hlc());
          if (e.hlc() >= steadyFromHlc.get()) steadyLag.recordNanos(appliedAt - e.hlc());
        }
        applied.addAndGet(result.applied());
        lastApplyNanos.set(System.nanoTime());
      }
    };
    System.out.printf("bench: %,d entries A->B, rate %s, %d shards, %d-byte payloads, append batch %d x %d in"
        + " flight, %s storage, data in %s%n", entries, rate == 0 ? "flat out" : rate + "/s", shards, payload,
        appendBatch, inFlight, storage, base);
    if (!storage.equals("embedded") && !storage.equals("postgres")) {
      throw new IllegalArgumentException("--storage must be embedded or postgres, was " + storage);
    }
    try (ScratchDatabase db = storage.equals("postgres") ? ScratchDatabase.create(postgresUrl, "postgres", "") : null;
         LocalSites sites = LocalSites.start(List.of("site-a", "site-b"), base, Map.of("site-b", recorder),
             // plain TCP on purpose: the peers' baselines in docs/benchmarks.md run without TLS
             db == null ? Map.of(LocalSites.INSECURE, true) : Map.of(LocalSites.INSECURE, true,
                 "cfs-repl.node.storage", "postgres", "cfs-repl.persistence.postgres.url", db.url()))) {
      awaitConnected(sites.node("site-a"));
      long cpu0 = ProcessStats.cpuNanos();
      long t0 = System.nanoTime();
      steadyFromHlc.set(Clocks.epochNanos() + TimeUnit.SECONDS.toNanos(warmupSeconds));
      WorkloadDriver driver = new WorkloadDriver(new WorkloadSpec("site-a", rate, entries, shards, inodes, payload,
          appendBatch, inFlight, 42), sites.node("site-a").journal(), append::recordNanos);
      driver.start();
      long lastReport = t0;
      while (applied.get() < entries) {
        if (driver.failure() != null) throw new IllegalStateException("workload failed", driver.failure());
        TimeUnit.MILLISECONDS.sleep(100); // polling progress for display
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(2)) {
          lastReport = System.nanoTime();
          LatencyHistogram window = windowLag.getAndSet(new LatencyHistogram());
          System.out.printf("  %5.1fs appended %,d applied %,d | lag in window %s%n", (lastReport - t0) / 1e9,
              driver.acknowledged(), applied.get(), window.summaryMillis());
        }
      }
      double seconds = (lastApplyNanos.get() - t0) / 1e9;
      double cpuSeconds = (ProcessStats.cpuNanos() - cpu0) / 1e9;
      System.out.println("---- results ----");
      System.out.printf("throughput      %,.0f entries/s end to end (%,d entries in %.2f s)%n", entries / seconds,
          entries, seconds);
      System.out.printf("replication lag %s (all entries)%n", lag.summaryMillis());
      System.out.printf("                %s (after %d s warm-up)%n", steadyLag.summaryMillis(), warmupSeconds);
      System.out.printf("append latency  %s%n", append.summaryMillis());
      System.out.printf("cpu             %.1f s process CPU (%.0f%% of %d cores over the run)%n", cpuSeconds,
          100 * cpuSeconds / seconds / Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors());
      System.out.printf("memory          peak heap %s, peak RSS %s (both sites, one JVM)%n",
          ProcessStats.mib(ProcessStats.peakHeapBytes()), ProcessStats.mib(ProcessStats.peakRssBytes()));
      return 0;
    }
  }

  /** Measures replication, not startup: the link must be up before the first entry is written. */
  private static void awaitConnected(ReplicationNode node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (node.status(Duration.ofSeconds(5)).toCompletableFuture().get().stream()
        .anyMatch(s -> s.state() != LinkState.CONNECTED)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("link did not come up within 60 s");
      TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
    }
  }
}
