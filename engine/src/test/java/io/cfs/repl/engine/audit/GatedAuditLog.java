package io.cfs.repl.engine.audit;

import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.AuditPage;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An audit log whose writes a test holds at a gate and makes fail on demand, and which remembers the size of every
 * write it stored and how many writes were attempted.
 */
final class GatedAuditLog implements AuditLog {
  final List<Integer> storedWrites = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicInteger failuresToCome = new AtomicInteger();
  private final AuditLog log;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  GatedAuditLog(AuditLog log) {
    this.log = log;
  }

  /** Writes from now on wait at the gate (after counting their attempt) until {@link #open()}. */
  void closeGate() {
    gate = new CountDownLatch(1);
  }

  void open() {
    gate.countDown();
  }

  @Override
  public String site() {
    return log.site();
  }

  @Override
  public List<AuditRecord> record(List<AuditRecord> records) {
    attempts.incrementAndGet();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failuresToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new StorageException("disk on fire");
    List<AuditRecord> stored = log.record(records);
    storedWrites.add(records.size());
    return stored;
  }

  @Override
  public AuditPage query(AuditQuery query) {
    return log.query(query);
  }

  @Override
  public long deleteOlderThan(long cutoffMillis) {
    return log.deleteOlderThan(cutoffMillis);
  }

  @Override
  public long trimTo(long maxRecords) {
    return log.trimTo(maxRecords);
  }

  @Override
  public void close() {
    log.close();
  }
}
