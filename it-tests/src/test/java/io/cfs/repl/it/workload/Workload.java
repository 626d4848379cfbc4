package io.cfs.repl.it.workload;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestResult;
import io.cfs.repl.it.harness.SiteCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A synthetic metadata workload written to chosen sites through their ingest endpoints, at a chosen rate per site,
 * over {@code shards} shards and {@code inodes} inodes per site; every acknowledged batch goes into a
 * {@link History}.
 *
 * <p>Per site one writer thread sends one batch at a time (a site's seqs must arrive in order) and retries a batch
 * until it is acknowledged, through node crashes and restarts (see {@link IngestClient#append}). Inode ranges are
 * disjoint per site unless {@link Builder#sharedInodes} (LWW conflicts); an inode's shard is
 * {@code inodeId % shards}. hlc is epoch nanoseconds, strictly increasing per site. The random choices derive from
 * the seed, so a run can be repeated with the same choices (timing aside).
 */
public final class Workload implements AutoCloseable {
  /** How long a batch is retried on one node before the writer looks for another running node of the site. */
  private static final Duration PER_NODE_RETRY = Duration.ofSeconds(3);
  private static final String[] PUT_OPS = {"WRITE", "WRITE", "WRITE", "SETATTR", "SETATTR", "CREATE", "RENAME",
      "TRUNCATE", "SETXATTR", "REMOVEXATTR", "LINK", "SYMLINK", "MKDIR"};
  private static final String[] DELETE_OPS = {"UNLINK", "RMDIR"};

  private final SiteCluster cluster;
  private final History history;
  private final Builder spec;
  private final List<Writer> writers = new ArrayList<>();

  private Workload(SiteCluster cluster, History history, Builder spec) {
    this.cluster = cluster;
    this.history = history;
    this.spec = spec;
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
    private int maxBatch = 256;
    private double deleteFraction = 0.05;
    private long limitPerSite = Long.MAX_VALUE;
    private Duration retryFor = Duration.ofSeconds(180);
    private boolean binaryIngest;

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

    public Builder deleteFraction(double f) {
      deleteFraction = f;
      return this;
    }

    /** Stops each site's writer after this many acknowledged entries. */
    public Builder limitPerSite(long n) {
      limitPerSite = n;
      return this;
    }

    /** How long one batch is retried (node down, busy) before the workload fails. */
    /** Whether writers send the binary layout instead of JSON (cheaper on both sides; default JSON). */
    public Builder binaryIngest(boolean binary) {
      binaryIngest = binary;
      return this;
    }

    public Builder retryFor(Duration d) {
      retryFor = d;
      return this;
    }

    public Workload start() {
      if (rates.isEmpty()) throw new IllegalStateException("no site to write to");
      Workload w = new Workload(cluster, history, this);
      List<String> all = cluster.sites();
      for (Map.Entry<String, Double> e : rates.entrySet()) {
        int index = all.indexOf(e.getKey());
        long firstInode = sharedInodes ? 1 : 1 + index * inodes;
        w.writers.add(new Writer(w, e.getKey(), e.getValue(), firstInode, seed + 7919L * (index + 1)));
      }
      System.out.println("[it] workload: " + this);
      w.writers.forEach(Writer::start);
      return w;
    }

    @Override
    public String toString() {
      return "rates " + rates + "/s, " + shards + " shards, " + inodes + " inodes"
          + (sharedInodes ? " shared" : "/site")
          + ", payload " + payloadBytes + " B, batch <= " + maxBatch + (binaryIngest ? " binary" : " JSON")
          + ", deletes " + deleteFraction
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
    Writer w = writer(site);
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
    for (Writer w : writers) {
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
    writers.forEach(Writer::rethrow);
    System.out.println("[it] workload stopped: " + history);
  }

  /** Waits until every writer with a limit has written it, then stops. */
  public void awaitLimit(Duration timeout) {
    for (Writer w : writers) {
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
    writers.forEach(Writer::rethrow);
  }

  @Override
  public void close() {
    writers.forEach(w -> {
      w.stopping = true;
      w.thread.interrupt();
    });
  }

  private Writer writer(String site) {
    return writers.stream().filter(w -> w.site.equals(site)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("workload does not write to " + site));
  }

  /** One site's writer thread. */
  private static final class Writer {
    private final Workload workload;
    private final String site;
    private final double rate;
    private final long firstInode;
    private final SplittableRandom random;
    private final Thread thread;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long[] nextSeq;
    private final List<Long> latencyMillis = new ArrayList<>();
    private volatile boolean stopping;
    private long lastHlc;

    Writer(Workload workload, String site, double rate, long firstInode, long seed) {
      this.workload = workload;
      this.site = site;
      this.rate = rate;
      this.firstInode = firstInode;
      this.random = new SplittableRandom(seed);
      this.nextSeq = new long[workload.spec.shards];
      this.thread = new Thread(this::run, "workload-" + site);
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t != null) throw new AssertionError("workload writer of " + site + " failed: " + t, t);
    }

    synchronized long[] latencies() {
      return latencyMillis.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Appends through the site's first running node; when that node stops answering, the same batch (retries are
     * idempotent) goes to whichever node of the site runs then, until {@code retryFor} has passed.
     */
    private IngestResult appendAnywhere(List<IngestEntry> batch, Duration retryFor) throws InterruptedException {
      long deadline = System.nanoTime() + retryFor.toNanos();
      int failedNodes = 0;
      while (true) {
        IngestClient ingest = workload.cluster.ingest(site);
        long left = deadline - System.nanoTime();
        try {
          Duration nodeRetry = Duration.ofNanos(Math.max(0, Math.min(left, PER_NODE_RETRY.toNanos())));
          IngestResult result = workload.spec.binaryIngest ? ingest.appendBinary(batch, nodeRetry)
              : ingest.append(batch, nodeRetry);
          // a node that died after making the batch durable makes the next node's answer a retry's (duplicates)
          return result.withAttempts(result.attempts() + failedNodes);
        } catch (IngestClient.IngestUnavailableException e) {
          if (System.nanoTime() >= deadline) throw e;
          failedNodes++;
        }
      }
    }

    private void run() {
      try {
        Map<Integer, Long> serverHeads = workload.cluster.ingest(site).heads();
        Map<Integer, Long> known = workload.history.heads(site);
        for (int s = 0; s < nextSeq.length; s++) {
          long server = serverHeads.getOrDefault(s, 0L);
          long ours = known.getOrDefault(s, 0L);
          if (server != ours) {
            throw new IllegalStateException(site + " journal head of shard " + s + " is " + server
                + " but the history acknowledged up to " + ours);
          }
          nextSeq[s] = server + 1;
        }
        Builder spec = workload.spec;
        long start = System.nanoTime();
        long issued = 0;
        while (!stopping && acked.get() < spec.limitPerSite) {
          long due = rate <= 0 ? Long.MAX_VALUE : (long) ((System.nanoTime() - start) / 1e9 * rate);
          if (due <= issued) {
            Thread.sleep(2); // pacing the offered rate
            continue;
          }
          int n = (int) Math.min(Math.min(spec.maxBatch, due - issued), spec.limitPerSite - acked.get());
          List<IngestEntry> batch = next(n);
          long t0 = System.nanoTime();
          IngestResult result = appendAnywhere(batch, spec.retryFor);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          synchronized (this) {
            latencyMillis.add(ms);
          }
          workload.history.recordAcked(site, batch, result);
          acked.addAndGet(n);
          issued += n;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (!stopping) failure.compareAndSet(null, e);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }

    private List<IngestEntry> next(int n) {
      Builder spec = workload.spec;
      List<IngestEntry> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long inode = firstInode + random.nextLong(spec.inodes);
        int shard = (int) (inode % spec.shards);
        String op = random.nextDouble() < spec.deleteFraction ? DELETE_OPS[random.nextInt(DELETE_OPS.length)]
            : PUT_OPS[random.nextInt(PUT_OPS.length)];
        long seq = nextSeq[shard]++;
        batch.add(IngestEntry.of(site, shard, seq, hlc(), op, inode, payload(site, shard, seq, inode, op)));
      }
      return batch;
    }

    /** Epoch nanoseconds, strictly increasing for this site. */
    private long hlc() {
      Instant now = Instant.now();
      long ns = now.getEpochSecond() * 1_000_000_000L + now.getNano();
      lastHlc = Math.max(ns, lastHlc + 1);
      return lastHlc;
    }

    private byte[] payload(String site, int shard, long seq, long inode, String op) {
      byte[] head = (site + "/" + shard + "/" + seq + " ino=" + inode + " " + op + " ")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[Math.max(head.length, workload.spec.payloadBytes)];
      System.arraycopy(head, 0, out, 0, head.length);
      for (int i = head.length; i < out.length; i++) out[i] = (byte) ('a' + random.nextInt(26));
      return out;
    }
  }
}
