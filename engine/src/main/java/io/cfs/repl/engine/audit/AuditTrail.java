package io.cfs.repl.engine.audit;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.AuditPage;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's writer and reader of the site's {@link AuditLog}. Producers call {@link #record}, which only enqueues; a
 * writer on the storage executor takes whatever has queued up and stores it with one {@link AuditLog#record} call per
 * group (up to {@code batch-max-records}), so records arriving during a write go together into the next one.
 * Queries and retention ({@link #collect}) run on the storage executor too.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #record} never blocks and never throws: when the queue is full (the log is slow or down) the record is
 *       dropped, counted ({@link #dropped()}, {@link ReplicationMetrics#onAuditDropped}) and logged at WARN (at most
 *       once per {@value #WARN_EVERY_MILLIS} ms, with the count since the last warning);</li>
 *   <li>at most one writer runs at a time, and records are stored in the order they were queued: a group whose write
 *       failed is retried, before any later record, by the next write (the next record or the next collection), and
 *       dropped (counted, logged) only after {@value #MAX_ATTEMPTS} failed attempts;</li>
 *   <li>{@link #close} writes what is still queued, on the caller's thread, once the actor system has stopped.</li>
 * </ul>
 */
public final class AuditTrail implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  static final long WARN_EVERY_MILLIS = 10_000;
  static final int MAX_ATTEMPTS = 3;

  /** What one collection removed: records past max-age, then the oldest beyond max-records. */
  public record Collected(long expired, long trimmed) {
  }

  private final AuditLog auditLog;
  private final Executor storage;
  private final AuditSettings settings;
  private final ReplicationMetrics metrics;
  private final Clock clock;
  private final BlockingQueue<AuditRecord> queue;
  private final AtomicBoolean writerScheduled = new AtomicBoolean();
  /** A write was asked for since the running writer started: it looks again (and retries a failed group) when done. */
  private final AtomicBoolean writeAsked = new AtomicBoolean();
  private final AtomicBoolean collecting = new AtomicBoolean();
  private final ReentrantLock writing = new ReentrantLock();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedSinceWarning = new AtomicLong();
  private final AtomicLong lastWarningMillis = new AtomicLong(Long.MIN_VALUE / 2);
  private List<AuditRecord> failedGroup = List.of(); // guarded by writing
  private int failedAttempts; // guarded by writing
  private volatile boolean closed;
  private volatile Cancellable collection;

  public AuditTrail(AuditLog auditLog, Executor storage, AuditSettings settings, ReplicationMetrics metrics,
                    Clock clock) {
    this.auditLog = auditLog;
    this.storage = storage;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
  }

  /** A trail whose collection runs every {@code collect-every} on {@code system}'s scheduler, until closed. */
  public static AuditTrail start(ActorSystem<?> system, AuditLog auditLog, Executor storage, AuditSettings settings,
                                 ReplicationMetrics metrics) {
    AuditTrail trail = new AuditTrail(auditLog, storage, settings, metrics, Clock.systemUTC());
    trail.collection = system.scheduler().scheduleWithFixedDelay(settings.collectEvery(), settings.collectEvery(),
        trail::collect, system.executionContext());
    return trail;
  }

  /** The site whose trail this is. */
  public String site() {
    return auditLog.site();
  }

  @Override
  public void record(AuditRecord record) {
    if (closed) {
      drop(1, "the node is stopping, " + record.kind() + " not recorded: " + record.detail());
    } else if (!queue.offer(record)) {
      drop(1, settings.queueCapacity() + " records are already waiting for the audit log, " + record.kind()
          + " not recorded: " + record.detail());
    } else {
      scheduleWriter();
    }
  }

  /** One page of the trail, read on the storage executor. */
  public CompletionStage<AuditPage> query(AuditQuery query) {
    return CompletableFuture.supplyAsync(() -> auditLog.query(query), storage);
  }

  /**
   * Removes what retention no longer keeps, on the storage executor; a collection still running makes this one a
   * no-op. Also retries a failed write, if any.
   */
  public CompletionStage<Collected> collect() {
    scheduleWriter();
    if (closed || !collecting.compareAndSet(false, true)) return CompletableFuture.completedFuture(new Collected(0, 0));
    try {
      return CompletableFuture.supplyAsync(this::collectNow, storage)
          .whenComplete((collected, failure) -> {
            collecting.set(false);
            if (failure != null) log.warn("[{}] audit trail collection failed: {}", site(), failure.toString());
          });
    } catch (RejectedExecutionException stopping) {
      collecting.set(false);
      return CompletableFuture.completedFuture(new Collected(0, 0));
    }
  }

  private Collected collectNow() {
    long expired = auditLog.deleteOlderThan(clock.millis() - settings.maxAge().toMillis());
    long trimmed = auditLog.trimTo(settings.maxRecords());
    if (expired + trimmed > 0) {
      log.info("[{}] audit trail collected: {} records older than {}, {} beyond {} records", site(), expired,
          settings.maxAge(), trimmed, settings.maxRecords());
    }
    return new Collected(expired, trimmed);
  }

  /** Records dropped since the node started. */
  public long dropped() {
    return dropped.get();
  }

  private void scheduleWriter() {
    writeAsked.set(true);
    if (closed || !writerScheduled.compareAndSet(false, true)) return;
    try {
      storage.execute(this::writeQueued);
    } catch (RejectedExecutionException stopping) {
      writerScheduled.set(false); // the executor is shutting down: close() writes what is left
    }
  }

  /**
   * The writer: stores what has queued up. It runs again at once if a write was asked for meanwhile (a record or a
   * collection came), and otherwise if records are left, unless a failed group stalled it: that group waits for the
   * next record or collection, so a failing log is not retried in a loop.
   */
  private void writeQueued() {
    writeAsked.set(false);
    boolean stalled = false;
    try {
      writing.lock();
      try {
        stalled = !writeAll();
      } finally {
        writing.unlock();
      }
    } finally {
      writerScheduled.set(false);
      if (writeAsked.get() || (!stalled && !queue.isEmpty())) scheduleWriter();
    }
  }

  /**
   * Under {@link #writing}: the group that failed last time first, then the queue, group by group, in order. False
   * when a group failed and waits for the next attempt.
   */
  private boolean writeAll() {
    if (!failedGroup.isEmpty() && !write(failedGroup)) return false;
    List<AuditRecord> group = new ArrayList<>();
    while (queue.drainTo(group, settings.batchMaxRecords()) > 0) {
      if (!write(group)) return false;
      group = new ArrayList<>();
    }
    return true;
  }

  /** Stores one group; false when it failed and is kept to be tried again (the writer then stops). */
  private boolean write(List<AuditRecord> group) {
    try {
      auditLog.record(group);
    } catch (RuntimeException e) {
      int attempt = group == failedGroup ? failedAttempts + 1 : 1;
      if (attempt >= MAX_ATTEMPTS || closed || e instanceof IllegalArgumentException) {
        failedGroup = List.of();
        drop(group.size(), "the audit log failed to store them (attempt " + attempt + "): " + e);
        return true;
      }
      log.warn("[{}] audit trail: writing {} records failed (attempt {} of {}), retried with the next write: {}",
          site(), group.size(), attempt, MAX_ATTEMPTS, e.toString());
      failedGroup = group;
      failedAttempts = attempt;
      return false;
    }
    failedGroup = List.of();
    Map<AuditKind, Integer> byKind = new EnumMap<>(AuditKind.class);
    group.forEach(r -> byKind.merge(r.kind(), 1, Integer::sum));
    byKind.forEach(metrics::onAuditRecorded);
    return true;
  }

  private void drop(int records, String why) {
    long total = dropped.addAndGet(records);
    metrics.onAuditDropped(records);
    droppedSinceWarning.addAndGet(records);
    long now = clock.millis();
    long last = lastWarningMillis.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarningMillis.compareAndSet(last, now)) {
      log.warn("[{}] audit trail dropped {} record(s) ({} since start); last: {}", site(),
          droppedSinceWarning.getAndSet(0), total, why);
    }
  }

  /**
   * Stops collection and writes what is still queued (a failed group gets one more attempt), on the caller's thread;
   * records handed over from now on are dropped. Call it after the actor system stopped and before the log closes.
   */
  @Override
  public void close() {
    closed = true;
    Cancellable scheduled = collection;
    if (scheduled != null) scheduled.cancel();
    writing.lock();
    try {
      writeAll(); // closed: a failed group is dropped at once, so this empties the queue
      List<AuditRecord> late = new ArrayList<>();
      queue.drainTo(late); // queued by a producer that looked before the trail closed
      if (!late.isEmpty()) drop(late.size(), "the node is stopping, " + late.size() + " late records not recorded");
    } finally {
      writing.unlock();
    }
  }
}
