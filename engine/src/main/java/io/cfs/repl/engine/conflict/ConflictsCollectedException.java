package io.cfs.repl.engine.conflict;

/**
 * A subscription asked for conflicts after an id whose successors retention has already collected: resuming there
 * would skip events silently, so the subscription ends instead and names the oldest conflict still held.
 */
public final class ConflictsCollectedException extends RuntimeException {
  private final long after;
  private final long oldestHeld;

  public ConflictsCollectedException(long after, long oldestHeld) {
    super("conflicts after id " + after + " were collected by retention; the oldest held is " + oldestHeld
        + " (resume after " + (oldestHeld - 1) + " to go on from there, knowing the ones between are gone)");
    this.after = after;
    this.oldestHeld = oldestHeld;
  }

  public long after() {
    return after;
  }

  public long oldestHeld() {
    return oldestHeld;
  }
}
