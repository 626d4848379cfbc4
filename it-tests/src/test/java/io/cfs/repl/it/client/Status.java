package io.cfs.repl.it.client;

import java.util.List;
import java.util.Optional;

/**
 * {@code GET /replication/status}: this site's outgoing links, one per peer.
 *
 * @param site the answering site
 * @param role PRIMARY or SECONDARY as the answering node's write gate knows it; null in active-active mode
 * @param epoch the epoch the answering node stamps on the entries it admits; null in active-active mode
 * @param peers one entry per peer link
 * @param node the answering node and the site singletons running on it
 * @param journal the site's journal: what it holds and who holds its horizon back; null when it was not read
 */
public record Status(String site, String role, Long epoch, List<Peer> peers, Node node, Journal journal) {
  public Status {
    peers = peers == null ? List.of() : List.copyOf(peers);
  }

  /** One outgoing link as the admin API shows it. */
  public record Peer(String peer, String state, long stateSinceMillis, long lagEntries, long lagMillis,
                     long oldestUnackedHlc, long ackedEntries, long ackedBatches, String lastError,
                     List<StoppedShard> stoppedShards, String replicatorNode, String peerAddress,
                     long throttleBytesPerSecond, long wireBytesPerSecond, Resync resync) {
    public Peer {
      stoppedShards = stoppedShards == null ? List.of() : List.copyOf(stoppedShards);
    }

    /** The phase of the peer's snapshot resync (NEEDED, RUNNING, FINISHED), or null when none was ever needed. */
    public String resyncPhase() {
      return resync == null ? null : resync.phase();
    }

    @Override
    public String toString() {
      return peer + "{" + state + " lag=" + lagEntries + "e/" + lagMillis + "ms acked=" + ackedEntries + "e/"
          + ackedBatches + "b" + (stoppedShards.isEmpty() ? "" : " stopped=" + stoppedShards)
          + (lastError == null ? "" : " lastError=" + lastError)
          + (replicatorNode == null ? "" : " on " + replicatorNode + " to " + peerAddress)
          + (throttleBytesPerSecond == 0 ? "" : " throttle=" + throttleBytesPerSecond + "B/s")
          + " wire=" + wireBytesPerSecond + "B/s" + (resync == null ? "" : " " + resync) + "}";
    }
  }

  /**
   * A peer's snapshot resync: {@code values} and {@code bytes} (payload) the peer acknowledged in the run,
   * {@code resyncId} 0 before a run started.
   */
  public record Resync(String phase, String reason, long sinceMillis, long resyncId, long values, long bytes,
                       long lastInodeId, long startedMillis, long finishedMillis) {
    @Override
    public String toString() {
      return "resync{" + phase + " id=" + resyncId + " values=" + values + " bytes=" + bytes + " lastInode="
          + lastInodeId + "}";
    }
  }

  /** The site's journal: entries and bytes held, and the site holding its horizon back most (null: none). */
  public record Journal(boolean collecting, long entries, long bytes, long oldestHlc, long oldestAgeMillis,
                        String horizonHeldBy, long horizonHeldByEntries) {
  }

  /** The answering node: each singleton listed ran here from its sinceMillis until at least atMillis. */
  public record Node(String address, List<Singleton> singletons, long atMillis) {
    public Node {
      singletons = singletons == null ? List.of() : List.copyOf(singletons);
    }

    public Optional<Singleton> singleton(String name) {
      return singletons.stream().filter(s -> s.name().equals(name)).findFirst();
    }
  }

  /** A site singleton (replicator-PEER, local-apply-SITE) and the fencing token of the lease it runs under. */
  public record Singleton(String name, long token, long sinceMillis) {
  }

  /** A shard stopped on a sequence gap. */
  public record StoppedShard(int shard, long expectedSeq, long receivedSeq, long atMillis) {
  }

  public Optional<Peer> peer(String name) {
    return peers.stream().filter(p -> p.peer().equals(name)).findFirst();
  }

  public Peer requirePeer(String name) {
    return peer(name).orElseThrow(() -> new AssertionError(site + " reports no link to " + name + ": " + this));
  }

  @Override
  public String toString() {
    return site + " -> " + peers;
  }
}
