package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.failover.FailoverStatus;
import io.cfs.repl.engine.gc.JournalStatus;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ResyncView;
import io.cfs.repl.engine.replicator.StoppedShard;
import io.cfs.repl.transport.tls.PeerCertificate;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /replication/status} body. Field names are part of the admin API (documented in the README).
 *
 * @param site this site
 * @param role this site's role as this node's write gate knows it: PRIMARY (taking writes), SECONDARY, or ACTIVE in
 *     active-active mode (every site writable); null for a site without peers. GET /replication/failover has the
 *     resolver's full view
 * @param epoch the epoch this node stamps and checks; 0 in active-active mode
 * @param primary the primary this site's resolver knows (null in active-active mode, before the first, or when the
 *     resolver did not answer within a second)
 * @param lastPromotionMillis when this site was last promoted, as its resolver remembers since it started; null if
 *     never (or unknown)
 * @param health this site's overall health (see {@link Health#site(java.util.Collection, java.util.Collection)})
 * @param storageFull while this node's journal or store refuses writes for lack of space: which, its data dir and
 *     since when; empty otherwise
 * @param peers one entry per peer link
 * @param node the node that answered: its cluster address and the site singletons running on it
 * @param journal the site's journal: what it holds and who holds its horizon back; null when it could not be read
 *     within the ask timeout (and in the event stream, which does not read it)
 */
public record StatusView(String site, String role, Long epoch, String primary, Long lastPromotionMillis, Health health,
                         List<StorageFullView> storageFull, List<PeerView> peers, NodeView node, JournalView journal) {

  /**
   * The site's journal and its collection ({@code cfs-repl.journal-gc}).
   *
   * @param collecting whether journal GC removes entries ({@code enabled}); off, it only measures
   * @param entries entries held, all shards
   * @param bytes bytes held: on embedded storage the entries held times the mean size of one entry per shard (the
   *     journal's files follow as compaction reclaims what was collected); on PostgreSQL an estimate, the site's share by rows of the {@code cfs_journal} table with its
   *     indexes and TOAST
   * @param oldestHlc hlc (ns) of the oldest entry held (the lowest seq held of each shard, the earliest); 0 when none
   * @param oldestAgeMillis now minus that hlc; 0 when none
   * @param horizonHeldBy the site whose progress holds collection back most: the peer with the most entries not yet
   *     acknowledged, or this site itself when its local apply is the furthest behind; null when none is behind
   * @param horizonHeldByEntries the entries it still needs; -1 when its replicator did not answer (collection then
   *     waits for it)
   * @param released peers that need a snapshot resync and hold nothing back (dropped by the retention cap, or found
   *     behind the horizon)
   * @param refusingWrites why appends are refused by the retention cap ({@code cap-policy = refuse-writes}); null
   *     while they are taken
   */
  public record JournalView(boolean collecting, long entries, long bytes, long oldestHlc, long oldestAgeMillis,
                            String horizonHeldBy, long horizonHeldByEntries, List<String> released,
                            String refusingWrites) {
    static JournalView of(JournalStatus s, long nowMillis) {
      return new JournalView(s.collecting(), s.held().entries(), s.held().bytes(), s.held().oldestHlc(),
          s.oldestAgeMillis(nowMillis), s.holder() == null ? null : s.holder().site(),
          s.holder() == null ? 0 : s.holder().entries(), s.released(), s.refusingWrites());
    }
  }

  /** A storage of this node refusing writes: "journal" or "store", the data dir to free space on, since when. */
  public record StorageFullView(String storage, String dataDir, long sinceMillis) {
    static List<StorageFullView> of(ReplicationNode node) {
      return node.storageFull().current().stream()
          .map(f -> new StorageFullView(f.storage().label(), f.dataDir().toString(), f.sinceMillis())).toList();
    }
  }

  /**
   * The answering node. Every node of a site reports the same links (it asks the singletons wherever they run), but
   * only its own singletons: at any moment at most one node of the site lists a given singleton.
   *
   * @param address cluster address (system@host:port)
   * @param singletons the site singletons running here: name (replicator-PEER, local-apply-SITE), the fencing token
   *     of the lease they run under, and since when they run here
   * @param atMillis when the node listed them (each ran here from its sinceMillis until at least then)
   */
  public record NodeView(String address, List<SingletonView> singletons, long atMillis) {
    public static NodeView of(ReplicationNode node) {
      List<SingletonView> running = node.singletonsHere().stream()
          .map(r -> new SingletonView(r.singleton(), r.token(), r.sinceMillis())).toList();
      return new NodeView(node.nodeAddress(), running, System.currentTimeMillis());
    }
  }

  public record SingletonView(String name, long token, long sinceMillis) {
  }

  /**
   * One outgoing link.
   *
   * @param lagMillis now minus the hlc of the oldest entry the peer has not acknowledged: the age of the oldest entry
   *     not yet applied there; 0 when caught up
   * @param ackedBytes the encoded size of the batches acknowledged since the link's replicator started
   * @param ackedEntriesPerSecond throughput: entries acknowledged per second over the last lag-refresh window
   * @param ackedBytesPerSecond throughput: bytes of acknowledged batches (as shipped) per second over that window
   * @param disconnectedSinceMillis when the link last stopped being CONNECTED; null while it is connected
   * @param clockSkewMillis the peer's clock minus ours from the last acknowledged round trip; null until measured
   * @param connection "mtls" (mutual TLS 1.3) or "plain" (cfs-repl.transport.tls.insecure); null when the link's
   *     replicator did not answer
   * @param peerCertificate the certificate the peer presented when the link last opened (subject, sites, serial,
   *     notAfterMillis); null before it opened, or on plain TCP
   * @param replicatorNode the cluster address (system@host:port) of the node of this site running the link's
   *     replicator; it moves to another node when that node dies
   * @param peerAddress the peer's link listener (host:port) the link dials: one of the peer site's nodes
   * @param throttleBytesPerSecond the link's throttle (an operator's, else the configured one); 0 = unlimited
   * @param wireBytesPerSecond bytes the link put on the wire per second over the last lag-refresh window
   * @param resync the peer's snapshot resync (phase NEEDED, RUNNING or FINISHED, reason, values and payload bytes the
   *     peer acknowledged, the last inode acknowledged); null when none was needed
   */
  public record PeerView(String peer, String state, long stateSinceMillis, Health health, List<String> healthReasons,
                         long lagEntries, long lagMillis, long oldestUnackedHlc, long ackedEntries, long ackedBatches,
                         long ackedBytes, double ackedEntriesPerSecond, double ackedBytesPerSecond, String lastError,
                         List<StoppedShard> stoppedShards, Long disconnectedSinceMillis, Long clockSkewMillis,
                         String connection, PeerCertificate peerCertificate, String replicatorNode,
                         String peerAddress, long throttleBytesPerSecond, long wireBytesPerSecond,
                         ResyncView resync) {
    public static PeerView of(ReplicatorStatus s, AdminSettings settings, long nowMillis) {
      return of(s, null, settings, nowMillis);
    }

    /** @param heartbeat the peer's health from heartbeats as the site's resolver sees it, null if unknown */
    public static PeerView of(ReplicatorStatus s, io.cfs.repl.engine.failover.PeerHealth heartbeat,
                              AdminSettings settings, long nowMillis) {
      Health.Verdict verdict = Health.of(s, heartbeat, settings, nowMillis);
      return new PeerView(s.peer(), s.state().name(), s.sinceMillis(), verdict.health(), verdict.reasons(),
          s.lagEntries(), s.lagMillis(nowMillis), s.oldestUnackedHlc(), s.ackedEntries(), s.ackedBatches(),
          s.ackedBytes(), Math.round(s.ackedEntriesPerSecond() * 10) / 10.0, Math.round(s.ackedBytesPerSecond()),
          s.lastError(), s.stoppedShards(),
          s.disconnectedSinceMillis() == 0 ? null : s.disconnectedSinceMillis(), s.clockSkewMillis(), s.connection(),
          s.peerCertificate(), s.replicatorNode(), s.peerAddress(), s.throttleBytesPerSecond(),
          s.wireBytesPerSecond(), s.resync());
    }
  }

  /**
   * @param failover the site's resolver's view, null if it did not answer
   * @param journal the journal's status, null if it was not read
   */
  public static StatusView of(ReplicationNode node, List<ReplicatorStatus> statuses, FailoverStatus failover,
                              JournalStatus journal, AdminSettings settings, long nowMillis) {
    Map<String, io.cfs.repl.engine.failover.PeerHealth> heartbeats = failover == null ? Map.of() : failover.health();
    List<PeerView> peers = statuses.stream().map(s -> PeerView.of(s, heartbeats.get(s.peer()), settings, nowMillis))
        .toList();
    String role = node.failover().map(f -> !f.activePassive() ? "ACTIVE"
        : f.gate().permit() != null && f.gate().permit().writable() ? "PRIMARY" : "SECONDARY").orElse(null);
    Long epoch = node.failover().map(f -> f.activePassive() ? f.gate().current() : 0L).orElse(null);
    String primary = failover == null ? null : failover.primary();
    Long promoted = failover == null || failover.lastPromotionMillis() == 0 ? null : failover.lastPromotionMillis();
    List<StorageFullView> storageFull = StorageFullView.of(node);
    return new StatusView(node.siteId(), role, epoch, primary, promoted,
        Health.site(peers.stream().map(PeerView::health).toList(), storageFull.stream().map(StorageFullView::storage)
            .toList()),
        storageFull, peers, NodeView.of(node), journal == null ? null : JournalView.of(journal, nowMillis));
  }
}
