package io.cfs.repl.persistence;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The WARN a storage object logs when a write is refused for lack of space, at most once per interval: while a volume
 * is full every append fails, and a line per append would only fill the log's volume too. Each line says how many
 * refusals it stands for. Thread-safe.
 */
public final class StorageFullWarning {
  /** How often a full volume is logged at most, per storage object. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  private final Logger log;
  private final String site;
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

  /** @param site what refuses, as the log names it ("journal of site-a", "metadata store") */
  public StorageFullWarning(Logger log, String site) {
    this.log = log;
    this.site = site;
  }

  /** Counts a refusal, and logs it unless a line was logged within the interval. */
  public void refused(StorageFullException full) {
    long count = refusals.incrementAndGet();
    long now = System.nanoTime();
    long next = nextLogNanos.get();
    if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + INTERVAL.toNanos())) return;
    log.warn("{}: {} ({} refusal(s) so far)", site, full.getMessage(), count);
  }
}
