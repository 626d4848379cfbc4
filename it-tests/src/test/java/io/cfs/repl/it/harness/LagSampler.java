package io.cfs.repl.it.harness;

import io.cfs.repl.it.client.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples every link's time lag ({@code lagMillis} of {@code GET /replication/status}) at a fixed interval on its
 * own thread, for percentiles over a measurement window.
 */
public final class LagSampler implements AutoCloseable {
  private final SiteCluster cluster;
  private final Duration interval;
  private final Map<String, List<Long>> samples = new TreeMap<>();
  private final Thread thread;
  private volatile boolean stopped;
  private int failures;

  private LagSampler(SiteCluster cluster, Duration interval) {
    this.cluster = cluster;
    this.interval = interval;
    this.thread = new Thread(this::run, "lag-sampler");
    this.thread.setDaemon(true);
  }

  public static LagSampler start(SiteCluster cluster, Duration interval) {
    LagSampler s = new LagSampler(cluster, interval);
    s.thread.start();
    return s;
  }

  private void run() {
    while (!stopped) {
      try {
        for (Map.Entry<String, Status> e : cluster.statuses().entrySet()) {
          for (Status.Peer p : e.getValue().peers()) {
            synchronized (this) {
              samples.computeIfAbsent(e.getKey() + "->" + p.peer(), k -> new ArrayList<>()).add(p.lagMillis());
            }
          }
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          failures++;
        }
      }
      try {
        Thread.sleep(interval.toMillis()); // the sampling period
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Percentiles of one link's lag so far. */
  public synchronized Percentiles link(String from, String to) {
    return Percentiles.of(samples.getOrDefault(from + "->" + to, List.of()));
  }

  /** Percentiles per link, keyed "a->b". */
  public synchronized Map<String, Percentiles> links() {
    Map<String, Percentiles> out = new TreeMap<>();
    samples.forEach((k, v) -> out.put(k, Percentiles.of(v)));
    return out;
  }

  /** Percentiles over every sample of every link. */
  public synchronized Percentiles all() {
    List<Long> all = new ArrayList<>();
    samples.values().forEach(all::addAll);
    return Percentiles.of(all);
  }

  public synchronized int failedSamples() {
    return failures;
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }

  /** p50 / p99 / max of a set of samples (milliseconds). */
  public record Percentiles(int samples, long p50, long p99, long max) {
    static Percentiles of(List<Long> values) {
      if (values.isEmpty()) return new Percentiles(0, -1, -1, -1);
      long[] v = values.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(v);
      return new Percentiles(v.length, v[(int) (v.length * 0.50)], v[Math.min(v.length - 1, (int) (v.length * 0.99))],
          v[v.length - 1]);
    }

    @Override
    public String toString() {
      return "p50 " + p50 + " ms, p99 " + p99 + " ms, max " + max + " ms (" + samples + " samples)";
    }
  }
}
