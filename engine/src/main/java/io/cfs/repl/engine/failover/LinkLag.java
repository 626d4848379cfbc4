package io.cfs.repl.engine.failover;

/**
 * How far a peer is behind this site's journal, from this site's link to it.
 *
 * @param entries entries not yet acknowledged by the peer (0: it holds everything), -1 when unknown
 * @param millis how long the oldest of them has waited, 0 when caught up
 */
public record LinkLag(long entries, long millis) {
  public static final LinkLag UNKNOWN = new LinkLag(-1, 0);

  public boolean caughtUp() {
    return entries == 0;
  }
}
