package io.cfs.repl.admin.tools.demo;

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

  @Override
  public Integer call() throws Exception {
    if (sites < 2 || sites > 6) throw new IllegalArgumentException("--sites must be 2..6");
    long runSeed = seed != null ? seed : System.nanoTime();
    Path base = dataDir != null ? dataDir : Files.createTempDirectory("cfs-demo");
    List<String> names = LocalSites.siteNames(sites);
    System.out.printf("cfs-repl demo: %d sites %s, %,d entries per site at %s, %d shards, %,d shared inodes,"
        + " seed %d, data in %s%n", sites, names, entries, rate == 0 ? "full speed" : rate + "/s per site", shards,
        inodes, runSeed, base);
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
      System.out.println("all writes acknowledged; waiting for every link to catch up...");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(quiesceSeconds);
      while (!SiteProgress.caughtUp(local.nodes())) {
        if (System.nanoTime() > deadline) {
          printProgress(local, start);
          System.out.println("FAILED: links did not catch up within " + quiesceSeconds + " s");
          return 2;
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a condition with a deadline
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      printProgress(local, start);
      System.out.printf("caught up %.2f s after the last write%n", (System.nanoTime() - writtenAt) / 1e9);
      return summary(local, seconds);
    }
  }

  private void printProgress(LocalSites local, long start) throws Exception {
    System.out.printf("[%5.1fs]%n", (System.nanoTime() - start) / 1e9);
    for (ReplicationNode node : local.nodes()) {
      System.out.println(SiteProgress.line(node, local.nodes()));
    }
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
