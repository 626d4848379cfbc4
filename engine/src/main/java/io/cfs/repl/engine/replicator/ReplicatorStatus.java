package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.transport.tls.PeerCertificate;
import java.util.List;

/**
 * A snapshot of one link for status, lag and health. Lag is the replicator's last periodic measurement
 * ({@code cfs-repl.replicator.lag-refresh}); {@link #lagMillis} ages it to the moment of reading, so a stuck link's
 * lag keeps rising between measurements.
 *
 * @param localSite this site
 * @param peer the peer site
 * @param state link state and {@code sinceMillis} when it entered it
 * @param lastError the last error seen on the link, or null
 * @param lagEntries local entries not yet acknowledged by the peer (all shards); -1 when unknown (not running)
 * @param oldestUnackedHlc hlc (ns) of the oldest entry not yet acknowledged, or 0 when caught up
 * @param ackedEntries entries acknowledged since this replicator started, counted as the acks arrive (entries re-sent
 *     after a link restart, from the persisted cursors, count again)
 * @param ackedBatches batches acknowledged since this replicator started
 * @param stoppedShards shards stopped on a sequence gap
 * @param disconnectedSinceMillis when the link last stopped being CONNECTED (or the replicator started, if it never
 *     was), 0 while it is CONNECTED: a link cycling between CONNECTING and BACKOFF keeps its first time
 * @param lagMeasuredAtMillis when lag was last measured
 * @param ackedEntriesPerSecond entries acknowledged per second between the last two lag measurements
 * @param clockSkewMillis the peer's wall clock minus ours, from the last acknowledged round trip (error at most half
 *     the round trip); null until a round trip has been measured
 * @param replicatorNode the cluster address of the node the replicator runs on (it moves when that node dies)
 * @param peerAddress the peer's link listener the replicator dials (one of the peer's nodes, tried in turn)
 * @param ackedBytes the encoded size of the batches acknowledged since this replicator started
 * @param ackedBytesPerSecond their rate between the last two lag measurements
 * @param connection "mtls" or "plain": how the link connects; null when unknown (the replicator did not answer)
 * @param peerCertificate the certificate the peer presented when the link last opened; null before, or on plain TCP
 * @param throttleBytesPerSecond the link's throttle now (an operator's, else the configured one); 0 = unlimited
 * @param wireBytesPerSecond bytes the link put on the wire per second between the last two lag measurements
 * @param resync the peer's snapshot resync: needed, running, or the last one finished; null when none was needed
 */
public record ReplicatorStatus(String localSite, String peer, LinkState state, long sinceMillis, String lastError,
                               long lagEntries, long oldestUnackedHlc, long ackedEntries, long ackedBatches,
                               List<StoppedShard> stoppedShards, long disconnectedSinceMillis,
                               long lagMeasuredAtMillis, double ackedEntriesPerSecond, Long clockSkewMillis,
                               String replicatorNode, String peerAddress, long ackedBytes,
                               double ackedBytesPerSecond, String connection, PeerCertificate peerCertificate,
                               long throttleBytesPerSecond, long wireBytesPerSecond, ResyncView resync) {
  public ReplicatorStatus {
    stoppedShards = List.copyOf(stoppedShards);
  }

  /** Without the connection and measurement details (tests, and callers that do not track them). */
  public ReplicatorStatus(String localSite, String peer, LinkState state, long sinceMillis, String lastError,
                          long lagEntries, long oldestUnackedHlc, long ackedEntries, long ackedBatches,
                          List<StoppedShard> stoppedShards) {
    this(localSite, peer, state, sinceMillis, lastError, lagEntries, oldestUnackedHlc, ackedEntries, ackedBatches,
        stoppedShards, state == LinkState.CONNECTED ? 0 : sinceMillis, sinceMillis, 0, null, null, null, 0, 0, null, null, 0, 0,
        null);
  }

  /**
   * A link whose replicator did not answer: state {@link LinkState#NOT_RUNNING}, {@code reason} as its error, lag
   * unknown ({@code lagEntries} -1).
   */
  public static ReplicatorStatus notRunning(String localSite, String peer, String reason, long nowMillis) {
    return new ReplicatorStatus(localSite, peer, LinkState.NOT_RUNNING, nowMillis, reason, -1, 0, 0, 0, List.of(),
        nowMillis, nowMillis, 0, null, null, null, 0, 0, null, null, 0, 0, null);
  }

  /** Lag in time: now minus the timestamp of the oldest unacknowledged entry; zero when caught up. */
  public long lagMillis(long nowMillis) {
    return Lag.millis(oldestUnackedHlc, nowMillis);
  }
}
