package io.cfs.repl.engine.failover;

/**
 * A planned switchover, on the primary that runs it: first it drains (accepts no writes) until the target holds
 * everything, then it steps down and hands over, repeating the Handover until the target wins or time runs out, since
 * a lost Handover would leave the target waiting {@code down-after} like everyone else (or, with two sites and no
 * witness, leave the mesh without a primary).
 */
final class Switchover {
  final String target;
  final long giveUpAt;
  /**
   * The drain ends no earlier than this: when every write permit this site handed its nodes before it stopped writes
   * has run out (the lease's expiry then). A node that has not yet heard that writes stopped may append until its
   * permit ends, and such an entry must reach the target before the handover, or it is not "everything".
   */
  final long permitsEndAt;
  private long handedOverIn = -1; // the epoch this site stepped down from, once it handed over
  private long lastSentAt;

  Switchover(String target, long giveUpAt, long permitsEndAt) {
    this.target = target;
    this.giveUpAt = giveUpAt;
    this.permitsEndAt = permitsEndAt;
  }

  boolean draining() {
    return handedOverIn < 0;
  }

  void handedOver(long epoch, long now) {
    handedOverIn = epoch;
    lastSentAt = now;
  }

  /** Whether to send the Handover again now: still in the epoch handed over, and an interval since the last one. */
  boolean resendDue(long epoch, long now, long intervalMillis) {
    if (draining() || epoch != handedOverIn || now < lastSentAt + intervalMillis) return false;
    lastSentAt = now;
    return true;
  }
}
