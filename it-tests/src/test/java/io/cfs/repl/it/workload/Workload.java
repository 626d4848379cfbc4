package io.cfs.repl.it.workload;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.workload.EntryShape;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.harness.SiteCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A synthetic metadata workload written to chosen sites through their ingest endpoints, at a chosen rate per site,
 * over {@code shards} shards and {@code inodes} inodes per site; every acknowledged batch goes into a
 * {@link History}.
 *
 * <p>Per site one writer thread sends one batch at a time (a site's seqs must arrive in order) and retries a batch
 * until it is acknowledged, through node crashes and restarts (see {@link IngestClient#append}). The entries come
 * from the admin tools' {@link io.cfs.repl.admin.tools.workload.EntryFactory}, the generator {@code cfs load} uses. Inode ranges are disjoint per
 * site unless {@link Builder#sharedInodes} (LWW conflicts); an inode's shard is {@code inodeId % shards}. The
 * random choices derive from the seed, so a run can be repeated with the same choices (timing aside).
 */
public final class Workload implements AutoCloseable {
  private final History history;
  private final List<SiteWriter> writers = new ArrayList<>();

  private Workload(History history) {
    this.history = history;
  }

  public static Builder on(SiteCluster cluster, History history, long seed) {
    return new Builder(cluster, history, seed);
  }

  /** Settings of a workload. */
  public static final class Builder {
    private final SiteCluster cluster;
    private final History history;
    private final long seed;
    private final Map<String, Double> rates = new LinkedHashMap<>();
    private int shards = 16;
    private long inodes = 1_000;
    private boolean sharedInodes;
    private int payloadBytes = 64;
    int maxBatch = 256;
    long limitPerSite = Long.MAX_VALUE;
    Duration retryFor = Duration.ofSeconds(180);
    boolean binaryIngest;

    private Builder(SiteCluster cluster, History history, long seed) {
      this.cluster = cluster;
      this.history = history;
      this.seed = seed;
    }

    /** Writes to {@code site} at {@code perSecond} entries per second (0: as fast as it acknowledges). */
    public Builder site(String site, double perSecond) {
      cluster.node(site); // fails on an unknown site
      rates.put(site, perSecond);
      return this;
    }

    public Builder shards(int n) {
      shards = n;
      return this;
    }

    /** Inodes per site (all sites share one range of this size with {@link #sharedInodes}). */
    public Builder inodes(long n) {
      inodes = n;
      return this;
    }

    public Builder sharedInodes(boolean shared) {
      sharedInodes = shared;
      return this;
    }

    public Builder payloadBytes(int n) {
      payloadBytes = n;
      return this;
    }

    public Builder maxBatch(int n) {
      maxBatch = n;
      return this;
    }

    /** Stops each site's writer after this many acknowledged entries. */
    public Builder limitPerSite(long n) {
      limitPerSite = n;
      return this;
    }

    /** Whether writers send the binary layout instead of JSON (cheaper on both sides; default JSON). */
    public Builder binaryIngest(boolean binary) {
      binaryIngest = binary;
      return this;
    }

    /** How long one batch is retried (node down, busy) before the workload fails. */
    public Builder retryFor(Duration d) {
      retryFor = d;
      return this;
    }

    public Workload start() {
      if (rates.isEmpty()) throw new IllegalStateException("no site to write to");
      Workload w = new Workload(history);
      List<String> all = cluster.sites();
      for (Map.Entry<String, Double> e : rates.entrySet()) {
        int index = all.indexOf(e.getKey());
        long firstInode = sharedInodes ? 1 : 1 + index * inodes;
        EntryShape shape = new EntryShape(e.getKey(), shards, firstInode, inodes, payloadBytes,
            seed + 7919L * (index + 1));
        w.writers.add(new SiteWriter(cluster, history, this, e.getValue(), shape));
      }
      System.out.println("[it] workload: " + this);
      w.writers.forEach(SiteWriter::start);
      return w;
    }

    @Override
    public String toString() {
      return "rates " + rates + "/s, " + shards + " shards, " + inodes + " inodes"
          + (sharedInodes ? " shared" : "/site")
          + ", payload " + payloadBytes + " B, batch <= " + maxBatch + (binaryIngest ? " binary" : " JSON")
          + (limitPerSite == Long.MAX_VALUE ? "" : ", limit " + limitPerSite + "/site") + ", seed " + seed;
    }
  }

  /** Entries acknowledged by a site since this workload started. */
  public long acknowledged(String site) {
    return writer(site).acked.get();
  }

  public long acknowledged() {
    return writers.stream().mapToLong(w -> w.acked.get()).sum();
  }

  /** Waits until the site has acknowledged at least {@code n} entries of this workload. */
  public void awaitAcknowledged(String site, long n, Duration timeout) {
    SiteWriter w = writer(site);
    await(site + " acknowledges " + n + " entries").atMost(timeout).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          w.rethrow();
          return w.acked.get() >= n;
        });
  }

  /** Latencies (ms) of acknowledged appends so far, retries included, sorted. */
  public long[] ackLatenciesMillis(String site) {
    return writer(site).latencies();
  }

  /**
   * Asks every writer to stop after its current batch, waits for them (a batch in flight is retried until
   * acknowledged, so the history stays exact) and fails with the first writer error.
   */
  public void stop(Duration timeout) {
    writers.forEach(w -> w.stopping = true);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (SiteWriter w : writers) {
      try {
        w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (w.thread.isAlive()) {
        throw new AssertionError("writer of " + w.site + " did not stop within " + timeout
            + " (a batch not acknowledged?)");
      }
    }
    writers.forEach(SiteWriter::rethrow);
    System.out.println("[it] workload stopped: " + history);
  }

  /** Waits until every writer with a limit has written it, then stops. */
  public void awaitLimit(Duration timeout) {
    for (SiteWriter w : writers) {
      try {
        w.thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      w.rethrow();
      if (w.thread.isAlive()) {
        throw new AssertionError("writer of " + w.site + " did not reach its limit within " + timeout + ": "
            + w.acked.get() + " acknowledged");
      }
    }
    System.out.println("[it] workload done: " + history);
  }

  /** Fails if a writer has failed (a refused batch, a node not answering past the retry deadline). */
  public void rethrowFailures() {
    writers.forEach(SiteWriter::rethrow);
  }

  @Override
  public void close() {
    writers.forEach(w -> {
      w.stopping = true;
      w.thread.interrupt();
    });
  }

  private SiteWriter writer(String site) {
    return writers.stream().filter(w -> w.site.equals(site)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("workload does not write to " + site));
  }
}
