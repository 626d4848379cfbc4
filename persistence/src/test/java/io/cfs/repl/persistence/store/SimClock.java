package io.cfs.repl.persistence.store;

/**
 * A metadata service's hybrid logical clock: never repeats or goes back, follows a physical clock that may lag, lead
 * or jump ({@code skew}), and, when it {@code ratchets}, stamps past every hlc its site has applied, as a service does
 * that advances its clock with the hlc the node answers. A clock that does not ratchet can stamp a write older than a
 * value its site had already seen: the case the conflict rule flags as not concurrent.
 */
final class SimClock {
  private final boolean ratchets;
  private long skew;
  private long last;
  private long observed;

  SimClock(long skew, boolean ratchets) {
    this.skew = skew;
    this.ratchets = ratchets;
  }

  long next(long physical) {
    long hlc = Math.max(last + 1, physical + skew);
    if (ratchets) hlc = Math.max(hlc, observed + 1);
    last = hlc;
    return hlc;
  }

  void observe(long hlc) {
    observed = Math.max(observed, hlc);
  }

  /** The physical clock jumps (either way); the hlc still never goes back. */
  void jump(long by) {
    skew += by;
  }

  boolean ratchets() {
    return ratchets;
  }

  @Override
  public String toString() {
    return "skew " + skew + (ratchets ? "" : ", no ratchet");
  }
}
