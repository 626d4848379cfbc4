package io.cfs.repl.admin.tools.workload;

import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Offers a workload to a local journal at a steady rate (or flat out), with a bounded number of append calls in
 * flight, counting what was acknowledged (durable). Runs on its own thread; {@link #stop} ends it.
 */
public final class WorkloadDriver implements Runnable {
  private static final long PACING_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final WorkloadSpec spec;
  private final LocalJournal journal;
  private final LongConsumer appendLatencyNanos;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopped;

  public WorkloadDriver(WorkloadSpec spec, LocalJournal journal, LongConsumer appendLatencyNanos) {
    this.spec = spec;
    this.journal = journal;
    this.appendLatencyNanos = appendLatencyNanos;
  }

  public long acknowledged() {
    return acknowledged.get();
  }

  public Throwable failure() {
    return failure.get();
  }

  public void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    EntryFactory factory = new EntryFactory(spec.entries(), journal::headSeq);
    Semaphore inFlight = new Semaphore(spec.inFlight());
    long start = System.nanoTime();
    long issued = 0;
    try {
      while (!stopped && issued < spec.count() && failure.get() == null) {
        long due = spec.ratePerSecond() == 0 ? spec.count()
            : Math.min(spec.count(), (System.nanoTime() - start) * spec.ratePerSecond() / 1_000_000_000L);
        if (due <= issued) {
          TimeUnit.NANOSECONDS.sleep(PACING_TICK_NANOS); // pacing a rate, not waiting for a result
          continue;
        }
        int n = (int) Math.min(spec.appendBatch(), due - issued);
        inFlight.acquire();
        issued += n;
        long t0 = System.nanoTime();
        journal.append(factory.next(n)).whenComplete((r, err) -> {
          if (err != null) {
            failure.compareAndSet(null, err);
          } else {
            appendLatencyNanos.accept(System.nanoTime() - t0);
            acknowledged.addAndGet(n);
          }
          inFlight.release();
        });
      }
      inFlight.acquire(spec.inFlight()); // wait for the last appends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public CompletableFuture<Void> start() {
    return CompletableFuture.runAsync(this, r -> {
      Thread t = new Thread(r, "workload-" + spec.site());
      t.setDaemon(true);
      t.start();
    });
  }
}
