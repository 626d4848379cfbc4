package io.cfs.repl.engine.failover;

import io.cfs.repl.persistence.lease.Fence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A site's role and epoch, decided with the other voters and kept as events: the actor around the pure
 * {@link FailoverMember} core (a {@link Resolver} on a data site, a {@link Witness} on the witness). It feeds the core
 * ticks, other voters' messages and operators' requests, persists what the core says to persist before anything that
 * depends on it leaves (Pekko stashes commands while it persists), then sends, reports, and publishes the site's
 * {@link WritePermit} to every node. Runs as a site singleton behind the site's lease, so its events carry the fence.
 */
public final class SplitBrainResolver extends EventSourcedBehavior<SplitBrainResolver.Command, FailoverEvent,
    ResolverState> {

  /** Protocol of the resolver. */
  public sealed interface Command {
  }

  /** A message from another voter, named by its control link's handshake. */
  public record Incoming(String from, FailoverMessage message) implements Command {
  }

  /** An operator's failover to {@code target}; answered at once with whether it started. */
  public record RequestFailover(String target, boolean force, ActorRef<FailoverOutcome> replyTo) implements Command {
  }

  public record GetStatus(ActorRef<FailoverStatus> replyTo) implements Command {
  }

  /** The site's peers changed (an operator reloaded them; active-active): health follows the new set. */
  public record PeersChanged(Set<String> peers) implements Command {
    public PeersChanged {
      peers = Set.copyOf(peers);
    }
  }

  private enum Tick implements Command { INSTANCE }

  private enum CheckProgress implements Command { INSTANCE }

  private record Lagging(String peer, LinkLag lag, boolean drainCheck) implements Command {
  }

  private record Held(long entries) implements Command {
  }

  /** Whether an operator's failover started, and why not. */
  public record FailoverOutcome(boolean started, String message) {
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final FailoverWiring wiring;
  private final Set<String> fenceTags;
  private FailoverMember core; // from recovery on
  private RequestFailover pendingRequest; // between an operator's request and the core's answer to it
  private long lastPromotionMillis;
  private boolean drainCheckInFlight;

  public static String singletonName() {
    return "split-brain-resolver";
  }

  public static PersistenceId persistenceId(String site) {
    return PersistenceId.of("SplitBrainResolver", site);
  }

  public static Behavior<Command> create(FailoverWiring wiring, Fence fence) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SplitBrainResolver(ctx, timers, wiring, fence)));
  }

  private SplitBrainResolver(ActorContext<Command> context, TimerScheduler<Command> timers, FailoverWiring wiring,
                             Fence fence) {
    super(persistenceId(wiring.site()));
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.fenceTags = fence == null ? Set.of() : Set.of(fence.tag());
  }

  @Override
  public ResolverState emptyState() {
    return ResolverState.initial(wiring.site(), wiring.settings());
  }

  @Override
  public Set<String> tagsFor(FailoverEvent event) {
    return fenceTags;
  }

  @Override
  public EventHandler<ResolverState, FailoverEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ResolverState::apply);
  }

  @Override
  public SignalHandler<ResolverState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  private void onRecovered(ResolverState state) {
    long now = System.currentTimeMillis();
    FailoverSettings settings = wiring.settings();
    if (!settings.activePassive()) {
      core = new HealthMonitor(wiring.site(), settings, wiring.peers().get(), now);
      context.getLog().info("[{}] peer health monitor up (active-active): peers {}", wiring.site(), core.health());
    } else {
      core = settings.isSite(wiring.site())
          ? Resolver.resume(wiring.site(), settings, state, now, new Random())
          : Witness.resume(wiring.site(), settings, state, now);
      context.getLog().info("[{}] failover resolver up: {} in epoch {}, primary {}", wiring.site(), state.role(),
          state.epoch(), state.primary());
    }
    // half an interval: a heartbeat is never more than half an interval late, nor a timeout noticed later than that
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.heartbeatInterval().dividedBy(2));
    if (!(core instanceof Witness)) timers.startTimerWithFixedDelay(CheckProgress.INSTANCE, Duration.ofSeconds(1));
    publishPermit(now);
  }

  @Override
  public CommandHandler<Command, FailoverEvent, ResolverState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Tick.class, (state, tick) -> {
          checkDrain();
          return run(core.onTick(System.currentTimeMillis()));
        })
        .onCommand(Incoming.class, (state, in) -> run(core.onMessage(in.from(), in.message(),
            System.currentTimeMillis())))
        .onCommand(RequestFailover.class, this::onRequestFailover)
        .onCommand(GetStatus.class, this::onGetStatus)
        .onCommand(CheckProgress.class, this::onCheckProgress)
        .onCommand(PeersChanged.class, (state, changed) -> {
          context.getLog().info("[{}] peers now {}", wiring.site(), changed.peers());
          return run(core.onPeersChanged(changed.peers(), System.currentTimeMillis()));
        })
        .onCommand(Lagging.class, this::onLagging)
        .onCommand(Held.class, (state, held) -> {
          if (core instanceof Resolver r) r.onJournalProgress(held.entries());
          return Effect().none();
        })
        .build();
  }

  private Effect<FailoverEvent, ResolverState> onRequestFailover(ResolverState state, RequestFailover request) {
    if (!(core instanceof Resolver resolver)) {
      String why = core instanceof Witness ? wiring.site() + " is the witness: it is never promoted"
          : wiring.site() + " runs active-active: every site takes writes, there is nothing to fail over";
      wiring.listener().onFailoverRequested(wiring.site(), request.target(), request.force(), false, why);
      request.replyTo().tell(new FailoverOutcome(false, why));
      return Effect().none();
    }
    pendingRequest = request;
    Effect<FailoverEvent, ResolverState> effect = run(resolver.onManualFailover(request.target(), request.force(),
        System.currentTimeMillis()));
    if (pendingRequest != null) { // not refused
      String what = request.force() ? "forced failover to " + request.target() + ": running for epoch "
          + (state.epoch() + 1) + (wiring.settings().voters().size() == 2 ? alone() : "")
          + mayBeMissing(state, resolver)
          : "planned switchover to " + request.target() + ": writes stopped, draining";
      context.getLog().warn("[{}] {}", wiring.site(), what);
      wiring.listener().onFailoverRequested(wiring.site(), request.target(), request.force(), true, what);
      pendingRequest.replyTo().tell(new FailoverOutcome(true, what));
      pendingRequest = null;
    }
    return effect;
  }

  /** What a forced failover cannot vouch for: the old primary's entries that never reached this site. */
  private String mayBeMissing(ResolverState state, Resolver resolver) {
    String primary = state.primary();
    if (primary == null || primary.equals(wiring.site())) return "";
    return "; " + wiring.site() + " holds " + resolver.heldOfPrimary() + " entries of " + primary + "'s journal: what "
        + primary + " acknowledged beyond them is not here; when it returns, each such entry is reconciled by LWW"
        + " and recorded in the audit trail (OLD_EPOCH_RECONCILED)";
  }

  private String alone() {
    return "; with two sites and no witness it is promoted alone once it has not heard the primary for "
        + wiring.settings().leaseTimeout().toMillis() + " ms, on your word that the other site is down (never force"
        + " both sides of a cut)";
  }

  private Effect<FailoverEvent, ResolverState> onGetStatus(ResolverState state, GetStatus get) {
    long now = System.currentTimeMillis();
    String target = core instanceof Resolver r ? r.switchoverTarget() : null;
    get.replyTo().tell(new FailoverStatus(wiring.site(), wiring.settings().mode().configName(), state.role(),
        state.epoch(), state.primary(), core.acceptsWrites(now), core.health(), target, lastPromotionMillis));
    return Effect().none();
  }

  /**
   * While a planned switchover drains, the target's lag is asked every tick (one ask at a time), not only with the
   * once-a-second health check: writes are stopped until the target has everything, so each check shortens the pause.
   */
  private void checkDrain() {
    String target = core instanceof Resolver r ? r.switchoverTarget() : null;
    if (target == null || drainCheckInFlight) return;
    drainCheckInFlight = true;
    askLag(target, true);
  }

  private void askLag(String peer, boolean drainCheck) {
    context.pipeToSelf(wiring.lag().apply(peer),
        (lag, failure) -> new Lagging(peer, lag == null ? LinkLag.UNKNOWN : lag, drainCheck));
  }

  private Effect<FailoverEvent, ResolverState> onCheckProgress(ResolverState state, CheckProgress check) {
    // in active-active the peers as an operator may have reloaded them; otherwise the configured sites
    Collection<String> peers = core instanceof HealthMonitor ? core.health().keySet() : wiring.settings().sites();
    for (String peer : peers) {
      if (!peer.equals(wiring.site())) askLag(peer, false);
    }
    String primary = state.primary();
    if (core instanceof Resolver && primary != null && !primary.equals(wiring.site())) {
      context.pipeToSelf(wiring.held().apply(primary), (held, failure) -> new Held(held == null ? 0 : held));
    }
    return Effect().none();
  }

  private Effect<FailoverEvent, ResolverState> onLagging(ResolverState state, Lagging lagging) {
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>();
    if (lagging.lag().entries() >= 0) actions.addAll(core.onLag(lagging.peer(), lagging.lag().millis(), now));
    if (lagging.drainCheck()) drainCheckInFlight = false;
    String target = core instanceof Resolver r ? r.switchoverTarget() : null;
    if (lagging.peer().equals(target) && lagging.lag().caughtUp()) {
      actions.addAll(((Resolver) core).onTargetCaughtUp(lagging.peer(), now));
    }
    return run(actions);
  }

  /** Persists the core's events, then carries out the rest of its actions in order, then publishes the permit. */
  private Effect<FailoverEvent, ResolverState> run(List<Action> actions) {
    List<FailoverEvent> events = new ArrayList<>();
    for (Action action : actions) {
      if (action instanceof Action.Persist persist) events.add(persist.event());
    }
    if (events.isEmpty()) {
      carryOut(actions);
      return Effect().none();
    }
    return Effect().persist(events).thenRun(state -> carryOut(actions));
  }

  private void carryOut(List<Action> actions) {
    long now = System.currentTimeMillis();
    for (Action action : actions) {
      if (action instanceof Action.Send send) {
        wiring.links().send(send.to(), send.message());
      } else if (action instanceof Action.Persist persist) {
        onPersisted(persist.event(), now);
      } else if (action instanceof Action.HealthChanged changed) {
        context.getLog().info("[{}] peer {} {} -> {}", wiring.site(), changed.peer(), changed.from(), changed.to());
        wiring.listener().onHealthChanged(wiring.site(), changed.peer(), changed.from(), changed.to());
      } else if (action instanceof Action.ManualFailoverFailed failed) {
        context.getLog().warn("[{}] failover to {} refused or abandoned: {}", wiring.site(), failed.target(),
            failed.reason());
        wiring.listener().onManualFailoverFailed(wiring.site(), failed.target(), failed.reason());
        if (pendingRequest != null) {
          wiring.listener().onFailoverRequested(wiring.site(), failed.target(), pendingRequest.force(), false,
              failed.reason());
          pendingRequest.replyTo().tell(new FailoverOutcome(false, failed.reason()));
          pendingRequest = null;
        }
      }
    }
    publishPermit(now);
  }

  private void onPersisted(FailoverEvent event, long now) {
    if (event instanceof FailoverEvent.Promoted promoted) {
      lastPromotionMillis = now;
      context.getLog().warn("[{}] PROMOTED: primary of epoch {}", wiring.site(), promoted.epoch());
    } else if (event instanceof FailoverEvent.Demoted demoted) {
      context.getLog().warn("[{}] DEMOTED in epoch {}: {}", wiring.site(), demoted.epoch(), demoted.reason());
    } else if (event instanceof FailoverEvent.EpochAdopted adopted) {
      context.getLog().warn("[{}] adopted epoch {} (primary {})", wiring.site(), adopted.epoch(), adopted.primary());
    }
    wiring.listener().onEvent(wiring.site(), event);
  }

  /**
   * A permit lasts exactly as long as the lease it stands for (the echo-based expiry, on this clock), never longer: a
   * late tick only means fewer renewals, and a node's writes stop when the lease would, whoever stops telling it.
   */
  private void publishPermit(long now) {
    if (!(core instanceof Resolver resolver)) return;
    ResolverState state = core.state();
    boolean writable = core.acceptsWrites(now);
    long until = resolver.writableUntil(now);
    wiring.permits().accept(new WritePermit(wiring.site(), state.epoch(), state.primary(), writable, until, now));
  }
}
