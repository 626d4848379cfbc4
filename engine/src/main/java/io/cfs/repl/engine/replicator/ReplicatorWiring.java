package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import java.net.InetSocketAddress;

/**
 * What one SiteReplicator needs from its node: who it ships to, from which journal, with which settings, and where
 * it reports (metrics, link frames, batch spans).
 */
public record ReplicatorWiring(String localSite, String peer, InetSocketAddress peerAddress, LocalJournal journal,
                               ReplicatorSettings settings, LinkSettings linkSettings, WireCodec codec,
                               ReplicationMetrics metrics, LinkMetrics linkMetrics, BatchTracer tracer) {
}
