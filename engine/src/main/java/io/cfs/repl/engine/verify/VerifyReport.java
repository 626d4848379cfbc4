package io.cfs.repl.engine.verify;

import java.util.List;

/**
 * What a verification of this site's store against a peer's found, and what its repair did.
 *
 * @param site the verifying site
 * @param peer the site verified against
 * @param localInodes values (tombstones included) this site's store held when its tree was built
 * @param peerInodes the same on the peer
 * @param differing how many inodes differ (the list may be cut at the configured {@code max-listed})
 * @param divergent the differing inodes, by inode id
 * @param repair whether a repair was asked for
 * @param repairedHere values written to this site's store by the repair
 * @param repairedThere values written to the peer's store by the repair
 * @param unrepairable differing inodes with equal versions but different content: no last-write-wins winner, left
 *     alone and reported (it means a bug or a damaged store, never a replication delay)
 * @param bytesSent frame bytes this site sent on the verify link (before compression)
 * @param bytesReceived frame bytes it received
 * @param requests request-answer round trips to the peer
 * @param millis how long the verification took, end to end
 */
public record VerifyReport(String site, String peer, long localInodes, long peerInodes, long differing,
                           List<Divergence> divergent, boolean repair, long repairedHere, long repairedThere,
                           long unrepairable, long bytesSent, long bytesReceived, long requests, long millis) {
  public VerifyReport {
    divergent = List.copyOf(divergent);
  }

  /**
   * One inode the two stores hold differently.
   *
   * @param local this site's value, or null when it holds none
   * @param peer the peer's value, or null when it holds none
   * @param winner the site whose value wins last-write-wins (what a repair ships), or null when the versions are
   *     equal and the content differs
   */
  public record Divergence(long inode, ValueSummary local, ValueSummary peer, String winner) {
  }
}
