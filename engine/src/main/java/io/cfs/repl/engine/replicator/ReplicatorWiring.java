package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.epoch.EpochView;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.gc.StableSeqs;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.engine.resync.ResyncSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What one SiteReplicator needs from its node: who it ships to (the link listeners of the peer's nodes, tried in
 * turn), from which journal, with which settings, where it reports (metrics, link frames, batch spans, the audit
 * trail), the site's epoch (carried by its batches; told of a higher one the peer shows), and the link's throttle
 * as configured (bytes per second, 0 = unlimited; an operator's runtime value, persisted by the replicator, wins),
 * and the site's store with the resync settings, for a snapshot resync of the peer (no store: a resync fails, saying
 * so), the node's {@link StableSeqs}, whose own seqs every batch carries (none given: a holder of its own, empty),
 * and the site's peers as of now, which a replicator checks itself against as it recovers (null: always a peer),
 * and the node's {@link EntryAges}, told of every batch shipped (none given: one of its own, reporting to metrics).
 */
public record ReplicatorWiring(String localSite, String peer, List<InetSocketAddress> peerAddresses,
                               LocalJournal journal,
                               ReplicatorSettings settings, LinkSettings linkSettings, LinkSecurity security,
                               WireCodec codec, ReplicationMetrics metrics, LinkMetrics linkMetrics,
                               BatchTracer tracer, EpochView epochs, AuditSink audit, long configuredThrottle,
                               MetadataStore store, ResyncSettings resync, StableSeqs stable, PeerSet members,
                               EntryAges ages) {
  public ReplicatorWiring {
    if (peerAddresses.isEmpty()) throw new IllegalArgumentException("no address for peer " + peer);
    if (configuredThrottle < 0) throw new IllegalArgumentException("throttle must be >= 0: " + configuredThrottle);
    peerAddresses = List.copyOf(peerAddresses);
    audit = audit == null ? AuditSink.NONE : audit;
    resync = resync == null ? DEFAULT_RESYNC : resync;
    stable = stable == null ? new StableSeqs() : stable;
    ages = ages == null ? new EntryAges(metrics) : ages;
  }

  /** The resync settings of a wiring that names none (tests): reference.conf's defaults. */
  private static final ResyncSettings DEFAULT_RESYNC = new ResyncSettings(true, 2048, 1 << 20);

  /** A replicator whose link is not throttled by configuration. */
  public ReplicatorWiring(String localSite, String peer, List<InetSocketAddress> peerAddresses, LocalJournal journal,
                          ReplicatorSettings settings, LinkSettings linkSettings, LinkSecurity security,
                          WireCodec codec, ReplicationMetrics metrics, LinkMetrics linkMetrics, BatchTracer tracer,
                          EpochView epochs, AuditSink audit) {
    this(localSite, peer, peerAddresses, journal, settings, linkSettings, security, codec, metrics, linkMetrics, tracer,
        epochs, audit, 0, null, null, null, null, null);
  }

  /**
   * A replicator of a site with no failover and no audit trail, over plain TCP (tests): epoch 0, and a peer's higher
   * epoch is merely remembered.
   */
  public ReplicatorWiring(String localSite, String peer, List<InetSocketAddress> peerAddresses, LocalJournal journal,
                          ReplicatorSettings settings, LinkSettings linkSettings, WireCodec codec,
                          ReplicationMetrics metrics, LinkMetrics linkMetrics, BatchTracer tracer) {
    this(localSite, peer, peerAddresses, journal, settings, linkSettings, LinkSecurity.PLAIN, codec, metrics,
        linkMetrics, tracer,
        new HighestEpochSeen(0), AuditSink.NONE);
  }

  /** Tells the site's epoch view of {@code epoch} shown by the peer, if it is above the site's current one. */
  void peerShowed(long epoch) {
    if (epoch > epochs.current()) epochs.observe(peer, epoch);
  }

  /** Whether the peer is one of the site's peers now (a reload may have removed it). */
  boolean member() {
    return members == null || members.contains(peer);
  }

  /** The link's name in logs: {@code local->peer}. */
  public String link() {
    return localSite + "->" + peer;
  }
}
