package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What one SiteReplicator needs from its node: who it ships to (the link listeners of the peer's nodes, tried in
 * turn), from which journal, with which settings, and where it reports (metrics, link frames, batch spans, the audit
 * trail).
 */
public record ReplicatorWiring(String localSite, String peer, List<InetSocketAddress> peerAddresses,
                               LocalJournal journal,
                               ReplicatorSettings settings, LinkSettings linkSettings, WireCodec codec,
                               ReplicationMetrics metrics, LinkMetrics linkMetrics, BatchTracer tracer,
                               AuditSink audit) {
  public ReplicatorWiring {
    if (peerAddresses.isEmpty()) throw new IllegalArgumentException("no address for peer " + peer);
    peerAddresses = List.copyOf(peerAddresses);
    audit = audit == null ? AuditSink.NONE : audit;
  }

  /** The link's name in logs: {@code local->peer}. */
  public String link() {
    return localSite + "->" + peer;
  }
}
