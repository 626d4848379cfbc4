package io.cfs.repl.it.workload;

import io.cfs.repl.it.client.FencedException;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestResult;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.model.hlc.HybridClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of an active-passive mesh: one thread writing batches to the site it believes is the primary and, when
 * that site answers 409 FENCED, going to the primary the answer names (or, if it names none or one this client
 * cannot reach, to the next site it can reach). Every ack goes into the {@link History} (what the stores must hold)
 * and into the {@link EpochHistory} with the epoch it was written in; every FENCED answer into the latter.
 *
 * <p>Entries are stamped with the origin of the site they are sent to, so a writer that moves writes a second
 * origin's seqs. Several writers share sites without sharing seqs: writer {@code i} of {@code n} owns the shards
 * {@code s % n == i} (and only inodes of those shards), so each (origin, shard) has one writer sending one batch at a
 * time. A batch whose answer was lost (the site died) may be durable: it stays pending for that site and is sent
 * again, unchanged, before anything else if the writer ever returns there.
 */
public final class PrimaryWriter implements AutoCloseable {
  public static final int SHARDS = 16;
  /** Inodes of writers are far above those of {@link Workload}, so the two can share a history. */
  private static final long FIRST_INODE = 1_000_000;
  /** How long a batch is retried on an unreachable site before the writer tries another one. */
  private static final Duration PER_SITE_RETRY = Duration.ofMillis(300);
  /** How long a site that did not answer is skipped. */
  private static final long DOWN_SKIP_MILLIS = 1_000;
  /** Pause after a round of refusals, so a writer waiting for an election does not spin. */
  private static final long REFUSED_PAUSE_MILLIS = 20;

  private final String name;
  private final SiteCluster cluster;
  private final History history;
  private final EpochHistory epochs;
  private final int index;
  private final int of;
  private final int batch;
  private final long inodes;
  private final double rate;
  private final SplittableRandom random;
  private final HybridClock clock = new HybridClock();
  private final Map<String, long[]> nextSeq = new HashMap<>();
  private final Map<String, List<IngestEntry>> pending = new HashMap<>();
  /** Sites whose pending batch may be durable already (its answer was lost): its ack is a retry's. */
  private final Set<String> uncertain = new HashSet<>();
  private final Map<String, Long> downUntil = new HashMap<>();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile Set<String> reachable;
  private volatile String target;
  private volatile boolean stopping;

  private PrimaryWriter(Builder b) {
    this.name = b.name;
    this.cluster = b.cluster;
    this.history = b.history;
    this.epochs = b.epochs;
    this.index = b.index;
    this.of = b.of;
    this.batch = b.batch;
    this.inodes = b.inodes;
    this.rate = b.rate;
    this.random = new SplittableRandom(b.seed + 31L * b.index);
    this.reachable = Set.copyOf(cluster.sites());
    this.target = b.firstSite;
    this.thread = new Thread(this::run, "primary-writer-" + name);
    this.thread.setDaemon(true);
  }

  public static Builder on(SiteCluster cluster, History history, EpochHistory epochs) {
    return new Builder(cluster, history, epochs);
  }

  /** Settings of a writer. */
  public static final class Builder {
    private final SiteCluster cluster;
    private final History history;
    private final EpochHistory epochs;
    private String name = "w";
    private String firstSite;
    private int index;
    private int of = 1;
    private int batch = 10;
    private long inodes = 400;
    private double rate = 200;
    private long seed = 1;

    private Builder(SiteCluster cluster, History history, EpochHistory epochs) {
      this.cluster = cluster;
      this.history = history;
      this.epochs = epochs;
    }

    /** Writer {@code i} of {@code n} sharing the sites (disjoint shards), called {@code name} in reports. */
    public Builder writer(String writerName, int i, int n) {
      if (SHARDS % n != 0 || i < 0 || i >= n) throw new IllegalArgumentException(i + " of " + n);
      this.name = writerName;
      this.index = i;
      this.of = n;
      return this;
    }

    /** The site written to first. */
    public Builder startAt(String site) {
      this.firstSite = site;
      return this;
    }

    /** Entries per second (batches of {@code batch}). */
    public Builder rate(double perSecond, int batchSize) {
      this.rate = perSecond;
      this.batch = batchSize;
      return this;
    }

    /** Inodes this writer writes (fewer: more overwrites, so more LWW decisions between origins). */
    public Builder inodes(long n) {
      this.inodes = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public PrimaryWriter start() {
      if (firstSite == null) throw new IllegalStateException("startAt is required");
      PrimaryWriter w = new PrimaryWriter(this);
      w.thread.start();
      return w;
    }
  }

  /** The sites this writer's client can reach (a client on one side of a partition); all of them by default. */
  public void reachable(Set<String> sites) {
    reachable = Set.copyOf(sites);
  }

  /** Entries acknowledged so far. */
  public long acknowledged() {
    return acked.get();
  }

  /** The site this writer sends its next batch to. */
  public String target() {
    return target;
  }

  /** Fails if the writer failed (an unexpected answer, a history it could not keep exact). */
  public void rethrow() {
    Throwable t = failure.get();
    if (t != null) throw new AssertionError("writer " + name + " failed: " + t, t);
  }

  /** Stops after the batch in flight, waits for it, and fails with the writer's error if any. */
  public void stop(Duration timeout) {
    stopping = true;
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (thread.isAlive()) throw new AssertionError("writer " + name + " did not stop within " + timeout);
    rethrow();
  }

  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
  }

  private void run() {
    long nextDue = System.nanoTime();
    long pauseNanos = (long) (batch / rate * 1e9);
    try {
      while (!stopping) {
        sleepUntil(nextDue); // pacing the offered rate
        String site = pick();
        if (site == null) {
          Thread.sleep(REFUSED_PAUSE_MILLIS); // nothing reachable answers: wait for a site to come back
          continue;
        }
        if (send(site)) {
          nextDue = Math.max(nextDue + pauseNanos, System.nanoTime() - pauseNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!stopping) failure.compareAndSet(null, e);
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  /** Sends one batch to {@code site}; true when it was acknowledged. */
  private boolean send(String site) throws InterruptedException {
    long epochBefore;
    try {
      epochBefore = epochOf(site);
    } catch (RuntimeException unreachable) {
      markDown(site);
      return false;
    }
    List<IngestEntry> entries = pending.computeIfAbsent(site, this::nextBatch);
    long sent = System.currentTimeMillis();
    IngestResult result;
    try {
      result = cluster.ingest(site).append(entries, PER_SITE_RETRY);
    } catch (FencedException f) {
      epochs.recordFenced(new EpochHistory.Fenced(name, site, f.primary(), f.epoch(), System.currentTimeMillis()));
      String named = f.primary();
      boolean goThere = named != null && !named.equals(site) && reachable.contains(named) && !isDown(named);
      target = goThere ? named : nextAfter(site);
      if (!goThere) Thread.sleep(REFUSED_PAUSE_MILLIS); // no better site known yet: an election may be running
      return false;
    } catch (IngestClient.IngestUnavailableException e) {
      uncertain.add(site); // the batch stays pending: it may be durable there
      markDown(site);
      return false;
    }
    long ackedAt = System.currentTimeMillis();
    long epochAfter;
    try {
      epochAfter = epochOf(site);
    } catch (RuntimeException e) {
      epochAfter = Long.MAX_VALUE; // the site died right after the ack: the write's epoch has no upper bound
    }
    pending.remove(site);
    if (uncertain.remove(site)) result = result.withAttempts(result.attempts() + 1);
    long[] seqs = seqs(site);
    entries.forEach(e -> seqs[e.shard()] = e.seq() + 1);
    history.recordAcked(site, entries, result);
    epochs.recordAck(new EpochHistory.Ack(name, site, epochBefore, epochAfter, sent, ackedAt, entries));
    acked.addAndGet(entries.size());
    target = site;
    return true;
  }

  private long epochOf(String site) {
    Long epoch = cluster.admin(site).status().epoch();
    if (epoch == null) throw new IllegalStateException(site + " runs active-active: no epoch");
    return epoch;
  }

  /** The target if reachable and not known down, else the next reachable site; null when none is reachable. */
  private String pick() {
    String t = target;
    if (reachable.contains(t) && !isDown(t)) return t;
    String next = nextAfter(t);
    target = next;
    return reachable.contains(next) ? next : null;
  }

  /** The next reachable site after {@code site} in the cluster's order, preferring sites not known down. */
  private String nextAfter(String site) {
    List<String> sites = cluster.sites();
    int at = sites.indexOf(site);
    String fallback = null;
    for (int i = 1; i <= sites.size(); i++) {
      String s = sites.get((at + i) % sites.size());
      if (!reachable.contains(s)) continue;
      if (!isDown(s)) return s;
      if (fallback == null) fallback = s;
    }
    return fallback == null ? site : fallback;
  }

  private void markDown(String site) {
    downUntil.put(site, System.currentTimeMillis() + DOWN_SKIP_MILLIS);
    target = nextAfter(site);
  }

  private boolean isDown(String site) {
    return downUntil.getOrDefault(site, 0L) > System.currentTimeMillis();
  }

  /** Per shard the next seq of this writer's entries of origin {@code site}, from the history (shared, exact). */
  private long[] seqs(String site) {
    return nextSeq.computeIfAbsent(site, s -> {
      long[] next = new long[SHARDS];
      Map<Integer, Long> heads = history.heads(s);
      for (int shard = 0; shard < SHARDS; shard++) next[shard] = heads.getOrDefault(shard, 0L) + 1;
      return next;
    });
  }

  private List<IngestEntry> nextBatch(String site) {
    long[] seqs = seqs(site).clone();
    List<IngestEntry> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      // inode % SHARDS is one of this writer's shards: (of * k + index) % SHARDS, as of divides SHARDS
      long inode = FIRST_INODE + of * random.nextLong(inodes) + index;
      int shard = (int) (inode % SHARDS);
      String op = random.nextInt(10) == 0 ? "SETATTR" : "WRITE";
      byte[] payload = ("{\"ino\":" + inode + ",\"writer\":\"" + name + "\",\"site\":\"" + site + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      out.add(IngestEntry.of(site, shard, seqs[shard]++, clock.tick(), op, inode, payload));
    }
    return out;
  }

  private static void sleepUntil(long dueNanos) throws InterruptedException {
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
  }

  @Override
  public String toString() {
    return "writer " + name + " (" + index + "/" + of + ") -> " + target + ", " + acked + " acked";
  }
}
