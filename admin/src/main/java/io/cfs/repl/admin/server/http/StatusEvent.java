package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.replicator.StoppedShard;
import java.util.List;

/**
 * One message of {@code GET /replication/events}: the part of {@link StatusView} a live view redraws every interval,
 * taken from it so that the stream and {@code GET /replication/status} never tell a link apart differently. Field
 * names are part of the admin API (README).
 *
 * @param site this site
 * @param role as {@link StatusView#role}; null for a site without peers
 * @param epoch as {@link StatusView#epoch}
 * @param primary as {@link StatusView#primary}
 * @param health this site's overall health
 * @param atMillis when the node built the snapshot (lagMillis is relative to it)
 * @param node the answering node's cluster address
 * @param links one entry per peer link
 */
public record StatusEvent(String site, String role, Long epoch, String primary, Health health, long atMillis,
                          String node, List<Link> links) {

  /**
   * One outgoing link.
   *
   * @param state the link state (CONNECTED, CONNECTING, BACKOFF, PAUSED, STOPPED, RECOVERING, NOT_RUNNING)
   * @param paused whether an operator paused the link
   * @param reasons why the link is not HEALTHY
   * @param entriesPerSecond entries the peer acknowledged per second over the last lag-refresh window
   * @param bytesPerSecond bytes of the batches the peer acknowledged per second over the same window
   */
  public record Link(String peer, String state, boolean paused, Health health, List<String> reasons, long lagEntries,
                     long lagMillis, double entriesPerSecond, double bytesPerSecond, List<StoppedShard> stoppedShards,
                     String lastError) {
  }

  public static StatusEvent of(StatusView status) {
    return new StatusEvent(status.site(), status.role(), status.epoch(), status.primary(), status.health(),
        status.node().atMillis(), status.node().address(), status.peers().stream().map(p -> new Link(p.peer(),
            p.state(), "PAUSED".equals(p.state()), p.health(), p.healthReasons(), p.lagEntries(), p.lagMillis(),
            p.ackedEntriesPerSecond(), p.ackedBytesPerSecond(), p.stoppedShards(), p.lastError())).toList());
  }
}
