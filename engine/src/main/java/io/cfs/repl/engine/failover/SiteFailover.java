package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.control.ControlLinks;
import io.cfs.repl.engine.control.ControlServer;
import io.cfs.repl.engine.epoch.SiteEpochs;
import io.cfs.repl.engine.lease.SingletonLocator;
import io.cfs.repl.engine.lease.SiteSingletons;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A data site's failover on one node: the node's write gate (closed until the site's resolver says otherwise), its
 * control links to the other voters and the handler of theirs, and the SplitBrainResolver as a site singleton. In
 * active-active mode there is no gate (every site takes writes) and the resolver only beats and tells peers' health.
 */
public final class SiteFailover implements AutoCloseable {
  private static final Duration LOOKUP = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final ControlLinks links;
  private final ControlServer control;
  private final PermitGate gate;
  private final FailoverSettings settings;

  private SiteFailover(ActorSystem<?> system, ControlLinks links, ControlServer control, PermitGate gate,
                       FailoverSettings settings) {
    this.system = system;
    this.settings = settings;
    this.links = links;
    this.control = control;
    this.gate = gate;
  }

  /**
   * @param voters every other voter (peer sites, the witness) and where its link listeners are
   * @param lag how far a peer is behind this site's journal (health, and a planned switchover's drain)
   * @param held how many entries of an origin's journal the store holds
   */
  public static SiteFailover start(ActorSystem<?> system, String site, FailoverSettings settings,
                                   Map<String, List<InetSocketAddress>> voters, LinkSettings link,
                                   LinkSecurity security, KryoCodec codec,
                                   SiteEpochs epochs, ReplicationMetrics metrics, FailoverListener listener,
                                   Function<String, CompletionStage<LinkLag>> lag,
                                   Function<String, CompletionStage<Long>> held, PeerSet peers) {
    PermitGate gate = null;
    Consumer<WritePermit> permits = permit -> { };
    if (settings.activePassive()) {
      gate = new PermitGate(site, System::currentTimeMillis);
      epochs.install(gate, gate);
      system.systemActorOf(PermitFanout.keeper(gate), "write-gate", Props.empty());
      permits = system.systemActorOf(PermitFanout.fanout(), "write-permits", Props.empty())::tell;
    }
    ControlLinks links = new ControlLinks(system, link, security, site, voters, codec, settings.heartbeatInterval(),
        settings.downAfter());
    ActorRef<ResolverInbox.Command> inbox = system.systemActorOf(
        ResolverInbox.create(SplitBrainResolver.singletonName(), LOOKUP), "failover-inbox", Props.empty());
    // in active-active the peers may change with a reload; the voters of active-passive never do
    Set<String> fixedVoters = Set.copyOf(voters.keySet());
    Predicate<String> voter = settings.activePassive() ? fixedVoters::contains
        : from -> peers.contains(from) || fixedVoters.contains(from) && !settings.isSite(from);
    ControlServer control = new ControlServer(site, voter, codec, FailoverMessage.class,
        (from, message) -> inbox.tell(new ResolverInbox.Deliver(
            new SplitBrainResolver.Incoming(from, (FailoverMessage) message))));
    FailoverWiring wiring = new FailoverWiring(site, settings, links, permits, listener, lag, held, peers::sites);
    SiteSingletons.init(system, SplitBrainResolver.singletonName(), metrics,
        fence -> SplitBrainResolver.create(wiring, fence.fence()));
    return new SiteFailover(system, links, control, gate, settings);
  }

  /** The handler of other voters' control links, for the node's link listener. */
  public LinkHandler control() {
    return control;
  }

  /** This node's write gate (its newest permit shows what the node believes of the site); null in active-active. */
  public PermitGate gate() {
    return gate;
  }

  /** Whether the mesh runs active-passive (roles, epochs, failover) rather than active-active (health only). */
  public boolean activePassive() {
    return settings.activePassive();
  }

  public CompletionStage<FailoverStatus> status(Duration timeout) {
    return SingletonLocator.<SplitBrainResolver.Command>locate(system, SplitBrainResolver.singletonName(), timeout)
        .thenCompose(resolver -> AskPattern.ask(resolver, SplitBrainResolver.GetStatus::new, timeout,
            system.scheduler()));
  }

  public CompletionStage<SplitBrainResolver.FailoverOutcome> failover(String target, boolean force,
                                                                       Duration timeout) {
    return SingletonLocator.<SplitBrainResolver.Command>locate(system, SplitBrainResolver.singletonName(), timeout)
        .thenCompose(resolver -> AskPattern.ask(resolver,
            (ActorRef<SplitBrainResolver.FailoverOutcome> replyTo) ->
                new SplitBrainResolver.RequestFailover(target, force, replyTo), timeout, system.scheduler()));
  }

  /**
   * The site's peers changed (an operator reloaded them): control links to the added ones open, those to the removed
   * ones close, and the resolver's health follows. Active-active only: the voters of an election never change at run
   * time (a majority of a changing set is no majority).
   */
  public void peersChanged(Map<String, List<InetSocketAddress>> added, Set<String> removed, Set<String> now) {
    if (settings.activePassive()) {
      throw new IllegalStateException("the voters of an active-passive mesh are fixed while it runs");
    }
    added.forEach(links::add);
    removed.forEach(links::remove);
    SingletonLocator.<SplitBrainResolver.Command>locate(system, SplitBrainResolver.singletonName(), LOOKUP)
        .thenAccept(resolver -> resolver.tell(new SplitBrainResolver.PeersChanged(now)));
  }

  @Override
  public void close() {
    links.close();
  }
}
