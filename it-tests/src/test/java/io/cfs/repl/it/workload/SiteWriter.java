package io.cfs.repl.it.workload;

import io.cfs.repl.admin.tools.workload.EntryFactory;
import io.cfs.repl.admin.tools.workload.EntryShape;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestResult;
import io.cfs.repl.it.harness.SiteCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One site's writer thread of a {@link Workload}: one batch at a time, each retried until acknowledged, recorded in
 * the {@link History}.
 */
final class SiteWriter {
  /** How long a batch is retried on one node before the writer looks for another running node of the site. */
  private static final Duration PER_NODE_RETRY = Duration.ofSeconds(3);

  final String site;
  final Thread thread;
  final AtomicLong acked = new AtomicLong();
  volatile boolean stopping;
  private final SiteCluster cluster;
  private final History history;
  private final Workload.Builder spec;
  private final double rate;
  private final EntryShape shape;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Long> latencyMillis = new ArrayList<>();

  SiteWriter(SiteCluster cluster, History history, Workload.Builder spec, double rate, EntryShape shape) {
    this.cluster = cluster;
    this.history = history;
    this.spec = spec;
    this.site = shape.site();
    this.rate = rate;
    this.shape = shape;
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
      IngestClient ingest = cluster.ingest(site);
      long left = deadline - System.nanoTime();
      try {
        Duration nodeRetry = Duration.ofNanos(Math.max(0, Math.min(left, PER_NODE_RETRY.toNanos())));
        IngestResult result = spec.binaryIngest ? ingest.appendBinary(batch, nodeRetry)
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
      Map<Integer, Long> serverHeads = cluster.ingest(site).heads();
      Map<Integer, Long> known = history.heads(site);
      for (int s = 0; s < shape.shards(); s++) {
        long server = serverHeads.getOrDefault(s, 0L);
        long ours = known.getOrDefault(s, 0L);
        if (server != ours) {
          throw new IllegalStateException(site + " journal head of shard " + s + " is " + server
              + " but the history acknowledged up to " + ours);
        }
      }
      EntryFactory entries = new EntryFactory(shape, s -> serverHeads.getOrDefault(s, 0L));
      long start = System.nanoTime();
      long issued = 0;
      while (!stopping && acked.get() < spec.limitPerSite) {
        long due = rate <= 0 ? Long.MAX_VALUE : (long) ((System.nanoTime() - start) / 1e9 * rate);
        if (due <= issued) {
          Thread.sleep(2); // pacing the offered rate
          continue;
        }
        int n = (int) Math.min(Math.min(spec.maxBatch, due - issued), spec.limitPerSite - acked.get());
        List<IngestEntry> batch = entries.next(n).stream().map(IngestEntry::of).toList();
        long t0 = System.nanoTime();
        IngestResult result = appendAnywhere(batch, spec.retryFor);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        synchronized (this) {
          latencyMillis.add(ms);
        }
        history.recordAcked(site, batch, result);
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
}
