package io.cfs.repl.engine.replicator;

import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.link.ClockOffset;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.store.ApplyResult;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Ships this site's journal to one peer site and remembers, durably, how far the peer has applied it.
 *
 * <p>Cursors are event-sourced ({@link ReplicatorState} holds the invariants: never regress, never skip). The link
 * itself ({@link LinkStream}) is runtime state owned by this actor: started after recovery, restarted with
 * exponential backoff and jitter from the persisted cursors when the connection ends, stopped by pause. Runtime
 * fields are touched only by this actor's handlers and signal handlers, never during replay.
 *
 * <p>Lag (entries and the hlc of the oldest unacknowledged entry) is measured by a timer every
 * {@code lag-refresh}, not by the arrival of acks, so the published lag keeps rising while a link is stuck and is
 * zero on an idle, caught-up link. A status request measures afresh (the same cheap measurement), so a status that
 * says "caught up" is never a stale answer that predates the last append.
 */
public final class SiteReplicator
    extends EventSourcedBehaviorWithEnforcedReplies<SiteReplicator.Command, ReplicatorEvent, ReplicatorState> {

  /** Protocol of the replicator. */
  public sealed interface Command {
  }

  public record GetStatus(ActorRef<ReplicatorStatus> replyTo) implements Command {
  }

  public record Pause(ActorRef<ReplicatorStatus> replyTo) implements Command {
  }

  public record Resume(ActorRef<ReplicatorStatus> replyTo) implements Command {
  }

  /**
   * An operator's sync: a link waiting in backoff reconnects now; with {@code force}, links and shards stopped on an
   * error are retried and connected links are re-established from their persisted cursors. Pauses are kept.
   */
  public record Sync(boolean force, ActorRef<SyncOutcome> replyTo) implements Command {
  }

  /** From the link stream: acknowledgements merged since the last one; replied once persisted. */
  record RecordAcks(AckSummary acks, ActorRef<Done> replyTo) implements Command {
  }

  private record LinkUp(long generation) implements Command {
  }

  private record LinkDown(long generation, Throwable cause) implements Command {
  }

  private enum Reconnect implements Command { INSTANCE }

  private enum RefreshLag implements Command { INSTANCE }

  /** A lag measurement done off the actor: published if the timer asked, answered if a status request did. */
  private record LagMeasured(Lag lag, Throwable failure, ActorRef<ReplicatorStatus> replyTo, boolean publish)
      implements Command {
  }

  public static PersistenceId persistenceId(String localSite, String peer) {
    return PersistenceId.of("SiteReplicator", localSite + "->" + peer);
  }

  /** The name of the replicator for {@code peer} as a site singleton (and of its lease). */
  public static String singletonName(String peer) {
    return "replicator-" + peer;
  }

  /** A replicator whose cursor events carry {@code fence}: storage refuses them once another node took the lease. */
  public static Behavior<Command> create(ReplicatorWiring wiring, Fence fence) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      wiring.metrics().onLinkStateChanged(wiring.peer(), LinkState.RECOVERING);
      return new SiteReplicator(ctx, timers, wiring, fence);
    }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReplicatorWiring wiring;
  private final String link;
  private final Set<String> fenceTags;

  private LinkState linkState = LinkState.RECOVERING;
  private long sinceMillis = System.currentTimeMillis();
  private String lastError;
  private ClockOffset clockSample;
  private long clockSampleAtMillis;
  private long generation;
  private UniqueKillSwitch killSwitch;
  private int attempt;
  private final AckedPositions acked = new AckedPositions();
  private final Executor readExecutor;
  private Lag lastLag = Lag.UNMEASURED;
  /** Which of the peer's link listeners the next connection dials; moves on after every failed connection. */
  private int addressIndex;
  private long ackedEntries;
  private long ackedBatches;
  private long disconnectedSinceMillis = sinceMillis;
  private long lastTickMillis = sinceMillis;
  private long ackedAtLastTick;
  private double ackedPerSecond;

  private SiteReplicator(ActorContext<Command> context, TimerScheduler<Command> timers, ReplicatorWiring wiring,
                         Fence fence) {
    super(persistenceId(wiring.localSite(), wiring.peer()));
    this.fenceTags = Set.of(fence.tag());
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.link = wiring.localSite() + "->" + wiring.peer();
    this.readExecutor = context.getSystem().dispatchers().lookup(
        DispatcherSelector.fromConfig(wiring.settings().readDispatcher()));
  }

  @Override
  public ReplicatorState emptyState() {
    return ReplicatorState.empty();
  }

  /** Every cursor event carries the fence: the journal writes tags in the event's transaction, where it is checked. */
  @Override
  public Set<String> tagsFor(ReplicatorEvent event) {
    return fenceTags;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(wiring.settings().snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, ReplicatorEvent, ReplicatorState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(RecordAcks.class, this::onRecordAcks)
        .onCommand(GetStatus.class, (state, cmd) -> {
          measureLag(state, cmd.replyTo(), false);
          return Effect().noReply(); // answered by onLagMeasured
        })
        .onCommand(LagMeasured.class, this::onLagMeasured)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Sync.class, this::onSync)
        .onCommand(RefreshLag.class, this::onRefreshLag)
        .onCommand(LinkUp.class, this::onLinkUp)
        .onCommand(LinkDown.class, this::onLinkDown)
        .onCommand(Reconnect.class, this::onReconnect)
        .build();
  }

  @Override
  public EventHandler<ReplicatorState, ReplicatorEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent(ReplicatorState::apply);
  }

  @Override
  public SignalHandler<ReplicatorState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> shutdownLink())
        .build();
  }

  private void onRecovered(ReplicatorState state) {
    context.getLog().info("[{}] recovered cursors for {} shards, {} stopped, paused={}", link,
        state.cursors().size(), state.stopped().size(), state.paused());
    refreshLag(state);
    timers.startTimerWithFixedDelay(RefreshLag.INSTANCE, wiring.settings().lagRefresh());
    if (state.paused()) {
      enter(LinkState.PAUSED);
    } else {
      connect(state);
    }
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRecordAcks(ReplicatorState state, RecordAcks cmd) {
    AckSummary acks = cmd.acks();
    observeClockSkew(acks.clock());
    ackedEntries += acks.entries();
    ackedBatches += acks.batches();
    attempt = 0;
    List<ReplicatorEvent> events = new ArrayList<>();
    Map<Integer, Long> forward = state.forwardOnly(acks.watermarks());
    if (!forward.isEmpty()) {
      events.add(new ReplicatorEvent.CursorsAdvanced(forward));
    }
    List<StoppedShard> newlyStopped = new ArrayList<>();
    for (Gap gap : acks.gaps()) {
      if (!state.stopped().containsKey(gap.shard())) {
        StoppedShard stopped = new StoppedShard(gap.shard(), gap.expectedSeq(), gap.receivedSeq(),
            System.currentTimeMillis());
        newlyStopped.add(stopped);
        events.add(new ReplicatorEvent.ShardStopped(stopped));
      }
    }
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    if (newlyStopped.isEmpty()) {
      return Effect().persist(events).thenReply(cmd.replyTo(), s -> Done.getInstance());
    }
    newlyStopped.forEach(s -> {
      context.getLog().error("[{}] shard stopped: {}", link, s.reason());
      wiring.metrics().onGap(wiring.peer(), s.shard());
    });
    lastError = newlyStopped.get(0).reason();
    // Restart the link so the stopped shards leave the tail; the other shards go on from their cursors.
    return Effect().persist(events)
        .thenRun(this::restartLink)
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onPause(ReplicatorState state, Pause cmd) {
    if (state.paused()) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new ReplicatorEvent.LinkPaused(System.currentTimeMillis()))
        .thenRun(s -> {
          context.getLog().info("[{}] paused by operator", link);
          shutdownLink();
          enter(LinkState.PAUSED);
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onResume(ReplicatorState state, Resume cmd) {
    if (!state.paused() && state.stopped().isEmpty() && linkState != LinkState.STOPPED) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new ReplicatorEvent.LinkResumed(System.currentTimeMillis()))
        .thenRun(s -> {
          context.getLog().info("[{}] resumed by operator", link);
          lastError = null;
          attempt = 0;
          restartLink(s);
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onLinkUp(ReplicatorState state, LinkUp cmd) {
    if (cmd.generation() == generation && linkState == LinkState.CONNECTING) {
      context.getLog().info("[{}] connected to {}", link, addressText());
      lastError = null; // the link works again; stopped shards keep their own reason
      enter(LinkState.CONNECTED);
    }
    return Effect().noReply();
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onLinkDown(ReplicatorState state, LinkDown cmd) {
    if (cmd.generation() != generation) {
      return Effect().noReply(); // an old connection we already replaced or shut down on purpose
    }
    generation++;
    killSwitch = null;
    lastError = describe(cmd.cause());
    if (cmd.cause() instanceof AckSummary.BatchRejectedException) {
      wiring.metrics().onLinkDown(wiring.peer(), ReplicationMetrics.REJECTED_BY_PEER);
      context.getLog().error("[{}] link stopped: {}", link, lastError);
      enter(LinkState.STOPPED);
      return Effect().noReply();
    }
    wiring.metrics().onLinkDown(wiring.peer(), ReplicationMetrics.LINK_FAILED);
    attempt++;
    addressIndex = (addressIndex + 1) % wiring.peerAddresses().size();
    var delay = wiring.settings().backoff(attempt, ThreadLocalRandom.current().nextDouble());
    context.getLog().warn("[{}] link down ({}); reconnect attempt {} to {} in {} ms", link, lastError, attempt,
        addressText(),
        delay.toMillis());
    enter(LinkState.BACKOFF);
    timers.startSingleTimer(Reconnect.INSTANCE, delay);
    return Effect().noReply();
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onSync(ReplicatorState state, Sync cmd) {
    if (state.paused()) {
      return Effect().reply(cmd.replyTo(), new SyncOutcome(SyncOutcome.Action.LEFT_PAUSED, status(state)));
    }
    if (cmd.force() && (linkState == LinkState.STOPPED || !state.stopped().isEmpty())) {
      return Effect().persist(new ReplicatorEvent.LinkResumed(System.currentTimeMillis()))
          .thenRun(s -> {
            context.getLog().info("[{}] forced sync: retrying stopped link/shards from their cursors", link);
            lastError = null;
            attempt = 0;
            restartLink(s);
          })
          .thenReply(cmd.replyTo(), s -> new SyncOutcome(SyncOutcome.Action.RETRIED, status(s)));
    }
    SyncOutcome.Action action = SyncOutcome.Action.NONE;
    if (linkState == LinkState.BACKOFF) {
      context.getLog().info("[{}] sync: reconnecting now instead of after backoff", link);
      attempt = 0;
      restartLink(state);
      action = SyncOutcome.Action.RECONNECTED;
    } else if (cmd.force()) {
      context.getLog().info("[{}] forced sync: re-establishing the link from the persisted cursors", link);
      restartLink(state);
      action = SyncOutcome.Action.RESTARTED;
    }
    return Effect().reply(cmd.replyTo(), new SyncOutcome(action, status(state)));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRefreshLag(ReplicatorState state, RefreshLag cmd) {
    refreshLag(state);
    return Effect().noReply();
  }

  /**
   * Measures lag on the read dispatcher (a journal read; a database round trip on PostgreSQL) against the positions
   * the peer acknowledged, which the persisted cursors trail by up to a persist interval.
   */
  private void measureLag(ReplicatorState state, ActorRef<ReplicatorStatus> replyTo, boolean publish) {
    Map<Integer, Long> cursors = state.cursors();
    context.pipeToSelf(CompletableFuture.supplyAsync(
            () -> Lag.measure(wiring.journal(), acked.atLeast(cursors), System.currentTimeMillis()), readExecutor),
        (lag, failure) -> new LagMeasured(lag, failure, replyTo, publish));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onLagMeasured(ReplicatorState state, LagMeasured cmd) {
    if (cmd.failure() != null) { // the journal closing under a stopping node: the last measurement stands
      context.getLog().debug("[{}] lag not measured: {}", link, cmd.failure().toString());
    } else if (cmd.lag().measuredAtMillis() >= lastLag.measuredAtMillis()) {
      lastLag = cmd.lag();
      if (cmd.publish()) {
        wiring.metrics().onLag(wiring.peer(), lastLag.entries(), lastLag.millis(System.currentTimeMillis()));
      }
    }
    return cmd.replyTo() == null ? Effect().noReply() : Effect().reply(cmd.replyTo(), status(state));
  }

  /** The timer's tick: measures and publishes lag, and the acknowledged-entries rate since the previous tick. */
  private void refreshLag(ReplicatorState state) {
    long now = System.currentTimeMillis();
    measureLag(state, null, true);
    if (now > lastTickMillis) {
      ackedPerSecond = (ackedEntries - ackedAtLastTick) * 1000.0 / (now - lastTickMillis);
    }
    lastTickMillis = now;
    ackedAtLastTick = ackedEntries;
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onReconnect(ReplicatorState state, Reconnect cmd) {
    if (linkState == LinkState.BACKOFF) {
      connect(state);
    }
    return Effect().noReply();
  }

  /**
   * Keeps the sample with the smallest round trip, re-baselined every clock-skew window (so a changed skew shows
   * within one window); warns when the skew crosses the threshold, once per crossing.
   */
  private void observeClockSkew(ClockOffset sample) {
    if (sample == null) return;
    long now = System.currentTimeMillis();
    boolean stale = clockSample == null || now - clockSampleAtMillis > wiring.settings().clockSkewWindow().toMillis();
    ClockOffset next = stale ? sample : sample.better(clockSample);
    if (next == clockSample) return;
    long threshold = wiring.settings().clockSkewWarn().toMillis();
    boolean wasOver = clockSample != null && Math.abs(clockSample.offsetMillis()) > threshold;
    boolean isOver = Math.abs(next.offsetMillis()) > threshold;
    if (isOver && !wasOver) {
      context.getLog().warn("[{}] clock skew {} ms (round trip {} ms) to the peer exceeds {} ms: check NTP", link,
          next.offsetMillis(), next.roundTripMillis(), threshold);
    } else if (wasOver && !isOver) {
      context.getLog().info("[{}] clock skew back to {} ms", link, next.offsetMillis());
    }
    clockSample = next;
    clockSampleAtMillis = now;
  }

  private void restartLink(ReplicatorState state) {
    shutdownLink();
    connect(state);
  }

  private void connect(ReplicatorState state) {
    long gen = ++generation;
    enter(LinkState.CONNECTING);
    LinkStream.Running running = LinkStream.start(context.getSystem(), wiring, address(), state.readPositions(),
        acked, context.getSelf());
    killSwitch = running.killSwitch();
    context.pipeToSelf(running.handshake(), (ok, err) -> err == null ? new LinkUp(gen) : new LinkDown(gen, err));
    context.pipeToSelf(running.done(), (ok, err) -> new LinkDown(gen,
        err != null ? err : new IllegalStateException("link closed by peer")));
  }

  private InetSocketAddress address() {
    return wiring.peerAddresses().get(addressIndex);
  }

  private String addressText() {
    return address().getHostString() + ":" + address().getPort();
  }

  /** Ends the current connection on purpose: its termination is ignored because the generation moves on. */
  private void shutdownLink() {
    generation++;
    timers.cancel(Reconnect.INSTANCE);
    if (killSwitch != null) {
      killSwitch.shutdown();
      killSwitch = null;
    }
  }

  private void enter(LinkState next) {
    if (next != linkState) {
      linkState = next;
      sinceMillis = System.currentTimeMillis();
      if (next == LinkState.CONNECTED) {
        disconnectedSinceMillis = 0;
      } else if (disconnectedSinceMillis == 0) {
        disconnectedSinceMillis = sinceMillis;
      }
      wiring.metrics().onLinkStateChanged(wiring.peer(), next);
    }
  }

  /** With the latest lag measurement (a status request measures afresh; other replies carry the latest). */
  private ReplicatorStatus status(ReplicatorState state) {
    Lag lag = lastLag;
    return new ReplicatorStatus(wiring.localSite(), wiring.peer(), linkState, sinceMillis, lastError, lag.entries(),
        lag.oldestUnackedHlc(), ackedEntries, ackedBatches, List.copyOf(state.stopped().values()),
        disconnectedSinceMillis, lag.measuredAtMillis(), ackedPerSecond,
        clockSample == null ? null : clockSample.offsetMillis(), context.getSystem().address().hostPort(),
        addressText());
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root
        && (root instanceof java.util.concurrent.CompletionException || root.getMessage() == null)) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
