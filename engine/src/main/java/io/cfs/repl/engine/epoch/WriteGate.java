package io.cfs.repl.engine.epoch;

/**
 * What the site's append path asks before it writes anything: may this site accept writes now, and in which epoch.
 * {@link EpochGatedJournal} asks it once per append call and stamps the answer on every entry of the call.
 *
 * <p>Called on the appending thread (an ingest route, a client's thread) for every append: implementations are
 * thread-safe and never block.
 */
@FunctionalInterface
public interface WriteGate {

  /**
   * The epoch to stamp on the entries of one append, if this site accepts writes now.
   *
   * @throws NotPrimaryException if this site is not PRIMARY or is fenced: the append must write nothing
   */
  long admit();

  /** Always admits, stamping {@code epoch}: active-active, or no failover configured (epoch 0). */
  static WriteGate open(long epoch) {
    if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
    return new WriteGate() {
      @Override
      public long admit() {
        return epoch;
      }

      @Override
      public String toString() {
        return "WriteGate.open(" + epoch + ")";
      }
    };
  }
}
