package io.cfs.repl.admin.tools.demo;

import io.cfs.repl.admin.tools.bench.ScratchDirs;
import io.cfs.repl.admin.tools.workload.WorkloadDriver;
import io.cfs.repl.admin.tools.workload.WorkloadSpec;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.persistence.store.StoreDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts several sites locally, drives a synthetic workload on every site (active-active, overlapping inodes so
 * last-write-wins decides), shows live progress, then waits for quiescence and checks that every site holds the
 * same state. Exit code 0 only if all digests agree.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a local multi-site replication demo on embedded storage and check convergence.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--sites", defaultValue = "3", description = "number of sites (2-6), default ${DEFAULT-VALUE}")
  int sites;

  @Option(names = "--rate", defaultValue = "5000", description = "entries/s written on EACH site, 0 = flat out")
  long rate;

  @Option(names = "--entries", defaultValue = "50000", description = "entries written on each site")
  long entries;

  @Option(names = "--shards", defaultValue = "64", description = "shards the entries spread over")
  int shards;

  @Option(names = "--inodes", defaultValue = "20000", description = "inode ids shared by all sites")
  long inodes;

  @Option(names = "--payload", defaultValue = "200", description = "payload bytes per entry")
  int payload;

  @Option(names = "--data-dir", description = "where site data goes (default: a fresh temp dir)")
  Path dataDir;

  @Option(names = "--seed", description = "workload seed (default: random, printed)")
  Long seed;

  @Option(names = "--quiesce-timeout", defaultValue = "120", description = "seconds to wait for catch-up")
  long quiesceSeconds;

  @Option(names = "--keep", description = "keep the scratch data dir and its node log (default: removed when the"
      + " sites converged; kept when they did not)")
  boolean keep;

  private int progressLines; // lines of the last progress view, rewritten in place on a terminal

  @Override
  public Integer call() throws Exception {
    if (sites < 2 || sites > 6) throw new IllegalArgumentException("--sites must be 2..6");
    long runSeed = seed != null ? seed : System.nanoTime();
    Path base = dataDir != null ? dataDir : Files.createTempDirectory("cfs-demo");
    List<String> names = LocalSites.siteNames(sites);
    System.out.printf("cfs-repl demo: %d sites %s, %,d entries per site at %s, %d shards, %,d shared inodes,"
        + " seed %d, data in %s%n", sites, names, entries, rate == 0 ? "full speed" : rate + "/s per site", shards,
        inodes, runSeed, base);
    Path log = base.resolve("demo.log");
    System.out.println("node logs: " + log);
    int exit;
    try (DemoLog ignored = DemoLog.toFile(log)) {
      exit = run(names, base, runSeed);
    }
    if (exit == 0 && !keep && dataDir == null) {
      ScratchDirs.delete(base);
    } else if (exit != 0) {
      System.out.println("data and node logs kept in " + base);
    }
    return exit;
  }

  private int run(List<String> names, Path base, long runSeed) throws Exception {
    try (LocalSites local = LocalSites.start(names, base, Map.of())) {
      List<WorkloadDriver> drivers = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < names.size(); i++) {
        WorkloadDriver d = new WorkloadDriver(new WorkloadSpec(names.get(i), rate, entries, shards, inodes, payload,
            500, 4, runSeed + i), local.node(names.get(i)).journal(), nanos -> { });
        drivers.add(d);
        d.start();
      }
      while (drivers.stream().anyMatch(d -> d.acknowledged() < entries && d.failure() == null)) {
        TimeUnit.SECONDS.sleep(1); // progress display interval
        printProgress(local, start);
      }
      for (WorkloadDriver d : drivers) {
        if (d.failure() != null) throw new IllegalStateException("workload failed", d.failure());
      }
      long writtenAt = System.nanoTime();
      endProgress();
      System.out.println("all writes acknowledged; waiting for every link to catch up...");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(quiesceSeconds);
      while (!SiteProgress.caughtUp(local.nodes())) {
        if (System.nanoTime() > deadline) {
          printProgress(local, start);
          endProgress();
          System.out.println("FAILED: links did not catch up within " + quiesceSeconds + " s");
          return 2;
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a condition with a deadline
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      printProgress(local, start);
      endProgress();
      System.out.printf("caught up %.2f s after the last write%n", (System.nanoTime() - writtenAt) / 1e9);
      return summary(local, seconds);
    }
  }

  /**
   * One line per site. On a terminal the view is rewritten in place (cursor up, clear line); otherwise, as in a log or
   * a pipe, each view is printed after the previous one.
   */
  private void printProgress(LocalSites local, long start) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("[%5.1fs]", (System.nanoTime() - start) / 1e9));
    for (ReplicationNode node : local.nodes()) lines.add(SiteProgress.line(node, local.nodes()));
    boolean terminal = System.console() != null;
    StringBuilder view = new StringBuilder();
    if (terminal && progressLines > 0) view.append("\033[").append(progressLines).append('A');
    for (String line : lines) {
      if (terminal) view.append("\033[2K");
      view.append(line).append('\n');
    }
    System.out.print(view);
    System.out.flush();
    progressLines = lines.size();
  }

  /** What follows is printed below the last view. */
  private void endProgress() {
    progressLines = 0;
  }

  private int summary(LocalSites local, double seconds) {
    System.out.println("---- summary ----");
    String first = null;
    boolean same = true;
    for (ReplicationNode node : local.nodes()) {
      StoreDigest digest = node.store().digest();
      System.out.printf("  %-7s %,d inodes, digest %s%n", node.siteId(), digest.inodes(), digest.hash());
      if (first == null) first = digest.hash();
      same &= first.equals(digest.hash());
    }
    long total = entries * local.nodes().size();
    System.out.printf("  %,d entries written across %d sites, each replicated to %d peers, in %.1f s"
        + " (%,.0f entries/s applied)%n", total, local.nodes().size(), local.nodes().size() - 1, seconds,
        total * (local.nodes().size() - 1) / seconds);
    System.out.println(same ? "RESULT: all sites converged (identical digests)" : "RESULT: sites DIFFER");
    return same ? 0 : 1;
  }
}
