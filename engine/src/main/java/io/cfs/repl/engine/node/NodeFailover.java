package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.epoch.SiteEpochs;
import io.cfs.repl.engine.failover.FailoverConfig;
import io.cfs.repl.engine.failover.FailoverEvent;
import io.cfs.repl.engine.failover.FailoverListener;
import io.cfs.repl.engine.failover.FailoverSettings;
import io.cfs.repl.engine.failover.LinkLag;
import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.engine.failover.Role;
import io.cfs.repl.engine.failover.SiteFailover;
import io.cfs.repl.engine.lease.SingletonLocator;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.SiteReplicator;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** How a node joins its site's failover: what it hands the resolver (links, metrics, drain and progress checks). */
final class NodeFailover {
  private NodeFailover() {
  }

  /** Control links are refused by a site without peers (a mesh of one has no failover and no health). */
  static final LinkHandler NONE = hello -> {
    throw new HandshakeRejectedException(HandshakeRejectedException.Reason.UNKNOWN_SITE,
        "this site has no peers, so no failover or health links");
  };

  /**
   * The site's failover on this node (null for a site without peers): in active-passive mode gate, links and
   * resolver; in active-active links and the resolver's health part only.
   */
  static SiteFailover start(ActorSystem<?> system, NodeSettings settings, PeerSet peers, Config config,
                                            LinkSettings link, LinkSecurity security, SiteEpochs epochs,
                                            NodeHooks hooks,
                                            MetadataStore store, Executor storageExecutor, AuditSink audit) {
    if (settings.peers().isEmpty()) return null;
    Set<String> sites = new TreeSet<>(settings.peers().keySet());
    sites.add(settings.siteId());
    FailoverSettings failover = FailoverConfig.settings(config, sites);
    if (!failover.activePassive()) hooks.metrics().onRole(Role.ACTIVE.name(), 0, 0); // for good: nothing changes it
    Map<String, List<InetSocketAddress>> voters = new TreeMap<>();
    settings.peers().values().forEach(peer -> voters.put(peer.site(), peer.addresses()));
    FailoverConfig.witness(config.getConfig(FailoverConfig.PATH))
        .ifPresent(w -> voters.put(w.id(), List.of(w.address())));
    Duration ask = Duration.ofSeconds(2);
    return SiteFailover.start(system, settings.siteId(), failover, voters, link, security,
        KryoRegistrations.fromConfig(config), epochs, hooks.metrics(), FailoverAudit.of(metered(hooks.metrics()), audit),
        peer -> SingletonLocator.<SiteReplicator.Command>locate(system, SiteReplicator.singletonName(peer), ask)
            .thenCompose(ref -> AskPattern.<SiteReplicator.Command, ReplicatorStatus>ask(ref,
                SiteReplicator.GetStatus::new, ask, system.scheduler()))
            .thenApply(status -> new LinkLag(status.lagEntries(), status.lagMillis(System.currentTimeMillis()))),
        origin -> CompletableFuture.supplyAsync(
            () -> store.watermarks(origin).values().stream().mapToLong(Long::longValue).sum(), storageExecutor),
        peers);
  }

  static FailoverListener metered(ReplicationMetrics metrics) {
    return new FailoverListener() {
      @Override
      public void onHealthChanged(String site, String peer, PeerHealth from, PeerHealth to) {
        metrics.onPeerHealth(peer, to.name());
      }

      @Override
      public void onEvent(String site, FailoverEvent event) {
        long now = System.currentTimeMillis();
        if (event instanceof FailoverEvent.Promoted p) metrics.onRole("PRIMARY", p.epoch(), now);
        if (event instanceof FailoverEvent.Demoted d) metrics.onRole("SECONDARY", d.epoch(), now);
        if (event instanceof FailoverEvent.EpochAdopted a) metrics.onRole("SECONDARY", a.epoch(), now);
      }
    };
  }

}
