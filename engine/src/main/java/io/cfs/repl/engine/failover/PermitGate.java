package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.epoch.EpochView;
import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.engine.epoch.WriteGate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A node's write gate and epoch view in active-passive mode, fed by the {@link WritePermit}s of the site's resolver.
 * Closed until the first permit arrives and whenever the newest one has run out: a node never takes a write on its
 * own say. Thread-safe and non-blocking (appends and link stages call it).
 */
public final class PermitGate implements WriteGate, EpochView {
  private final String site;
  private final LongSupplier clock;
  private final AtomicLong observed = new AtomicLong();
  private volatile WritePermit permit;

  public PermitGate(String site, LongSupplier clock) {
    this.site = site;
    this.clock = clock;
  }

  /** Keeps {@code next} if it is not older than the permit held. */
  public void accept(WritePermit next) {
    WritePermit held = permit;
    if (held == null || next.issuedAtMillis() >= held.issuedAtMillis()) permit = next;
    observe(next.site(), next.epoch());
  }

  @Override
  public long admit() {
    WritePermit p = permit;
    if (admits(p)) return p.epoch();
    String primary = p == null ? null : p.primary();
    String why = p == null ? "site " + site + " has no word from its failover resolver yet"
        : !p.writable() ? "site " + site + " is not the primary of epoch " + current()
        : p.epoch() < observed.get() ? "site " + site + " learned of epoch " + observed.get() + " and is fenced"
        : "site " + site + " lost contact with its failover resolver (write permit ran out)";
    throw new NotPrimaryException(primary == null || primary.equals(site) ? null : primary, current(),
        why + (primary == null || primary.equals(site) ? "" : "; the primary is " + primary));
  }

  /** Whether an append on this node would be admitted now (the resolver's view may be a permit ahead of it). */
  public boolean admits() {
    return admits(permit);
  }

  private boolean admits(WritePermit p) {
    return p != null && p.writable() && clock.getAsLong() < p.validUntilMillis() && p.epoch() >= observed.get();
  }

  @Override
  public long current() {
    WritePermit p = permit;
    return Math.max(p == null ? 0 : p.epoch(), observed.get());
  }

  @Override
  public void observe(String from, long epoch) {
    observed.accumulateAndGet(epoch, Math::max);
  }

  /** The newest permit, for status; null before the first. */
  public WritePermit permit() {
    return permit;
  }
}
