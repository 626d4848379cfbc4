package io.cfs.repl.engine.epoch;

import java.util.Objects;

/**
 * The one place a node's append path and site links get the site's epoch and write permission from: the gate of its
 * journal ({@link EpochGatedJournal}), the epoch its batches and acks carry, the check of its receiver. It hands every
 * call to an installed {@link WriteGate} and {@link EpochView}; a node starts with {@link #noFailover()} and the
 * SplitBrainResolver installs its own with {@link #install}, so nothing else in the node changes when it does.
 */
public final class SiteEpochs implements WriteGate, EpochView {
  private volatile WriteGate gate;
  private volatile EpochView view;

  public SiteEpochs(WriteGate gate, EpochView view) {
    install(gate, view);
  }

  /** Every site writable, epoch 0: what a node does while no failover is configured. */
  public static SiteEpochs noFailover() {
    return new SiteEpochs(WriteGate.open(0), new HighestEpochSeen(0));
  }

  /** Replaces the gate and the view (one object may be both); appends and links use them from their next call. */
  public void install(WriteGate newGate, EpochView newView) {
    this.gate = Objects.requireNonNull(newGate, "gate");
    this.view = Objects.requireNonNull(newView, "view");
  }

  @Override
  public long admit() {
    return gate.admit();
  }

  @Override
  public long current() {
    return view.current();
  }

  @Override
  public void observe(String site, long epoch) {
    view.observe(site, epoch);
  }

  @Override
  public String toString() {
    return "SiteEpochs{" + gate + ", " + view + "}";
  }
}
