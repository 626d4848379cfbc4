package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.resync.ResyncMessage;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.journal.JournalCollectedException;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.transport.link.LinkSession;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Ships this site's journal to one peer site and remembers, durably, how far the peer has applied it.
 *
 * <p>Cursors are event-sourced ({@link ReplicatorState} holds the invariants: never regress, never skip). The link
 * itself is runtime state: {@link LinkSupervisor} starts it after recovery, restarts it with backoff and stops it on
 * pause; {@link LinkTelemetry} measures it for status and metrics. Both are touched only by this actor's handlers and
 * signal handlers, never during replay. A paused link has its own command handlers, so no handler asks whether it is
 * paused.
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

  /**
   * The persisted cursors (journal GC asks them). Answered from the state, which holds only what was persisted: while
   * an acknowledgement is being persisted, commands wait for it.
   */
  public record GetCursors(ActorRef<PersistedCursors> replyTo) implements Command {
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

  /**
   * An operator's throttle of the link: bytes per second on the wire, 0 to lift it. Persisted, so it holds over
   * restarts and handovers and wins over the configured one; the running connection follows it without reconnecting.
   */
  public record SetThrottle(long bytesPerSecond, ActorRef<ReplicatorStatus> replyTo) implements Command {
    public SetThrottle {
      if (bytesPerSecond < 0) throw new IllegalArgumentException("throttle must be >= 0, was " + bytesPerSecond);
    }
  }

  /**
   * The peer needs a snapshot resync of this site's store (an operator's request, or the journal GC's retention cap
   * dropping it): persisted, audited, and the link restarts into the resync. An operator's request also approves the
   * run when auto resync is off. A resync already needed or running is kept as it is.
   */
  public record RequireResync(String reason, boolean byOperator, ActorRef<ReplicatorStatus> replyTo)
      implements Command {
  }

  /**
   * A reload of the site's peers: {@code member} false removes the peer (its cursors are dropped, persisted, and its link
   * stops), true adds a removed peer back (it starts from nothing). Replies with the status after it.
   */
  public record Membership(boolean member, ActorRef<ReplicatorStatus> replyTo) implements Command {
  }

  /** From a new resync run: persist a run with the marks of the view just opened; replied with the run. */
  record OpenRun(Map<String, OriginMarks> marks, ActorRef<Resync.Run> replyTo) implements Command {
  }

  /** From the resync stream: the peer acknowledged a chunk or installed the end; replied once persisted. */
  record RecordResync(ResyncMessage.Ack ack, ActorRef<Done> replyTo) implements Command {
  }

  /**
   * The site singleton's stop message (a hand-over to another node of the site, or this node leaving): the acks that
   * arrived since the last cursor event are persisted before it stops, so the next holder does not re-send up to a
   * persist interval of entries the peer has applied. Best effort: a crash, a node downed, or a persist refused (the
   * lease already taken elsewhere) or slower than the node's cluster-exiting phase re-sends them, and the receiver
   * skips them. A gap reported since the last event is not persisted here: the peer reports it again.
   */
  public enum Stop implements Command { INSTANCE }

  /** From the link stream: acknowledgements merged since the last one; replied once persisted. */
  record RecordAcks(AckSummary acks, ActorRef<Done> replyTo) implements Command {
  }

  /** What {@link LinkSupervisor} sends itself through this actor: its connections' handshakes and ends, its timer. */
  sealed interface LinkSignal extends Command {
  }

  record LinkUp(long generation, LinkSession session) implements LinkSignal {
  }

  record LinkDown(long generation, Throwable cause) implements LinkSignal {
  }

  enum Reconnect implements LinkSignal { INSTANCE }

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
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SiteReplicator(ctx, timers, wiring, fence)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReplicatorWiring wiring;
  private final Set<String> fenceTags;
  /** What the peer acknowledged, as its acks arrive; dropped when the cursors go back to nothing. */
  private final PeerAcks acked;
  private final LinkSupervisor link;
  private final LinkTelemetry telemetry;
  /** Set from the recovered state and by operators; the link's stages follow it. */
  private final WireThrottle throttle;
  /** The last resync this replicator finished, shown in status until another is needed. */
  private ResyncView finishedResync;
  /** Run ids only grow, even when two start within a millisecond. */
  private long lastRunId;
  /** When the run last moved (a chunk acknowledged, or this replicator started): the cap abandons only a stuck run. */
  private long lastResyncProgressMillis = System.currentTimeMillis();

  private SiteReplicator(ActorContext<Command> context, TimerScheduler<Command> timers, ReplicatorWiring wiring,
                         Fence fence) {
    super(persistenceId(wiring.localSite(), wiring.peer()));
    this.fenceTags = Set.of(fence.tag());
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.acked = new PeerAcks();
    this.throttle = new WireThrottle(wiring.configuredThrottle(), wiring.settings().throttleBurst());
    this.link = new LinkSupervisor(context, timers, wiring, acked, throttle);
    this.telemetry = new LinkTelemetry(wiring, acked, throttle,
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(wiring.settings().readDispatcher())),
        context.getSystem().address().hostPort(), context.getLog(), System.currentTimeMillis());
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
    CommandHandlerWithReplyBuilder<Command, ReplicatorEvent, ReplicatorState> builder =
        newCommandHandlerWithReplyBuilder();
    // a removed peer's replicator is inert: what its last link or run still sends changes nothing
    builder.forState(ReplicatorState::removed)
        .onCommand(RecordAcks.class, (state, cmd) -> Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(RecordResync.class, (state, cmd) -> Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(OpenRun.class, (state, cmd) -> Effect().noReply())
        .onCommand(RequireResync.class, (state, cmd) -> Effect().reply(cmd.replyTo(), status(state)))
        .onCommand(Stop.class, (state, cmd) -> Effect().stop().thenNoReply());
    builder.forState(ReplicatorState::paused)
        .onCommand(Pause.class, this::onPauseWhilePaused)
        .onCommand(Resume.class, this::resume)
        .onCommand(Sync.class, this::onSyncWhilePaused);
    builder.forState(state -> !state.paused())
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Sync.class, this::onSync);
    // Cases match in the order added: whatever the two builders above do not take is served here in either state.
    builder.forAnyState()
        .onCommand(RecordAcks.class, this::onRecordAcks)
        .onCommand(Stop.class, this::onStop)
        .onCommand(GetStatus.class, this::onGetStatus)
        .onCommand(GetCursors.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            PersistedCursors.of(wiring.peer(), state, wiring.localSite())))
        .onCommand(RequireResync.class, this::onRequireResync)
        .onCommand(Membership.class, this::onMembership)
        .onCommand(OpenRun.class, this::onOpenRun)
        .onCommand(RecordResync.class, this::onRecordResync)
        .onCommand(SetThrottle.class, this::onSetThrottle)
        .onCommand(LagMeasured.class, this::onLagMeasured)
        .onCommand(RefreshLag.class, this::onRefreshLag)
        .onCommand(LinkSignal.class, this::onLinkSignal);
    return builder.build();
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
        .onSignal(PostStop.instance(), state -> link.stopped())
        .build();
  }

  private void onRecovered(ReplicatorState state) {
    context.getLog().info("[{}] recovered cursors for {} shards, {} stopped, paused={}, throttle={} ({})",
        wiring.link(), state.cursors().size(), state.stopped().size(), state.paused(),
        throttleText(state.throttle(wiring.configuredThrottle())), state.throttle() == null ? "configured"
            : "set by an operator");
    applyThrottle(state);
    refreshLag(state);
    timers.startTimerWithFixedDelay(RefreshLag.INSTANCE, wiring.settings().lagRefresh());
    link.recovered(state);
    // a replicator that starts again (a restart, a hand-over to another node of the site) follows the site's peers
    // as they are now, not as they were when it stopped
    if (state.removed() == wiring.member()) {
      context.getSelf().tell(new Membership(wiring.member(), context.getSystem().ignoreRef()));
    }
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRecordAcks(ReplicatorState state, RecordAcks cmd) {
    long now = System.currentTimeMillis();
    telemetry.acked(cmd.acks(), now);
    link.acked();
    Map<Integer, Long> forward = state.forwardOnly(cmd.acks().watermarks());
    List<StoppedShard> stops = state.newlyStopped(cmd.acks().gaps(), now);
    List<ReplicatorEvent> events = new ArrayList<>();
    if (!forward.isEmpty()) {
      events.add(new ReplicatorEvent.CursorsAdvanced(forward));
    }
    stops.forEach(stopped -> events.add(new ReplicatorEvent.ShardStopped(stopped)));
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    if (stops.isEmpty()) {
      return Effect().persist(events).thenReply(cmd.replyTo(), s -> Done.getInstance());
    }
    stops.forEach(stopped -> {
      context.getLog().error("[{}] shard stopped: {}", wiring.link(), stopped.reason());
      wiring.metrics().onGap(wiring.peer(), stopped.shard());
    });
    return Effect().persist(events)
        .thenRun(s -> {
          stops.forEach(this::auditStopped);
          link.shardsStopped(stops.get(0).reason(), s);
        })
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onStop(ReplicatorState state, Stop cmd) {
    Map<Integer, Long> forward = state.forwardOnly(acked.atLeast(Map.of()));
    if (forward.isEmpty()) return Effect().stop().thenNoReply();
    context.getLog().info("[{}] stopping: persisting the cursors of {} shards the peer acknowledged since the last"
        + " cursor event", wiring.link(), forward.size());
    return Effect().persist(new ReplicatorEvent.CursorsAdvanced(forward)).thenStop().thenNoReply();
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onPause(ReplicatorState state, Pause cmd) {
    return Effect().persist(new ReplicatorEvent.LinkPaused(System.currentTimeMillis()))
        .thenRun(s -> {
          context.getLog().info("[{}] paused by operator", wiring.link());
          audit(AuditKind.LINK_PAUSED, "paused by an operator");
          link.pause();
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onPauseWhilePaused(ReplicatorState state, Pause cmd) {
    return Effect().reply(cmd.replyTo(), status(state));
  }

  /** A sync never undoes an operator's pause: resume does. */
  private ReplyEffect<ReplicatorEvent, ReplicatorState> onSyncWhilePaused(ReplicatorState state, Sync cmd) {
    return Effect().reply(cmd.replyTo(), new SyncOutcome(SyncOutcome.Action.LEFT_PAUSED, status(state)));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onResume(ReplicatorState state, Resume cmd) {
    return needsRetry(state) ? resume(state, cmd) : Effect().reply(cmd.replyTo(), status(state));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> resume(ReplicatorState state, Resume cmd) {
    return retry("resumed by operator", cmd.replyTo(), this::status);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onSync(ReplicatorState state, Sync cmd) {
    if (cmd.force() && needsRetry(state)) {
      return retry("forced sync: retrying stopped link/shards from their cursors", cmd.replyTo(),
          s -> new SyncOutcome(SyncOutcome.Action.RETRIED, status(s)));
    }
    SyncOutcome.Action action = link.sync(cmd.force(), state);
    return Effect().reply(cmd.replyTo(), new SyncOutcome(action, status(state)));
  }

  /** Something an operator's retry fixes: a link stopped on a refused batch, or shards stopped on a gap. */
  private boolean needsRetry(ReplicatorState state) {
    return link.stoppedOnError() || !state.stopped().isEmpty();
  }

  /** Resume and forced sync: the stopped shards are cleared durably, then the link restarts from the cursors. */
  private <R> ReplyEffect<ReplicatorEvent, ReplicatorState> retry(String why, ActorRef<R> replyTo,
                                                                  Function<ReplicatorState, R> reply) {
    return Effect().persist(new ReplicatorEvent.LinkResumed(System.currentTimeMillis()))
        .thenRun(s -> {
          context.getLog().info("[{}] {}", wiring.link(), why);
          audit(AuditKind.LINK_RESUMED, why);
          link.retry(s);
        })
        .thenReply(replyTo, reply);
  }

  /** Setting the throttle it already has persists nothing: the reply shows it. */
  private ReplyEffect<ReplicatorEvent, ReplicatorState> onSetThrottle(ReplicatorState state, SetThrottle cmd) {
    if (state.throttle() != null && state.throttle() == cmd.bytesPerSecond()) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new ReplicatorEvent.ThrottleChanged(cmd.bytesPerSecond(), System.currentTimeMillis()))
        .thenRun(s -> {
          String what = "throttle set by an operator to " + throttleText(cmd.bytesPerSecond()) + " (was "
              + throttleText(throttle.bytesPerSecond()) + ")";
          context.getLog().info("[{}] {}", wiring.link(), what);
          audit(AuditKind.LINK_THROTTLED, what);
          applyThrottle(s);
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private void applyThrottle(ReplicatorState state) {
    long rate = state.throttle(wiring.configuredThrottle());
    throttle.set(rate);
    wiring.metrics().onThrottle(wiring.peer(), rate);
  }

  private static String throttleText(long bytesPerSecond) {
    return bytesPerSecond == WireThrottle.UNLIMITED ? "unlimited" : bytesPerSecond + " B/s";
  }

  private void audit(AuditKind kind, String detail) {
    wiring.audit().record(AuditRecord.of(kind, System.currentTimeMillis(), wiring.localSite(), detail)
        .withPeer(wiring.peer()));
  }

  private void auditStopped(StoppedShard stopped) {
    wiring.audit().record(AuditRecord.of(AuditKind.SHARD_STOPPED, stopped.atMillis(), wiring.localSite(),
            stopped.reason())
        .withPeer(wiring.peer()).withPosition(stopped.shard(), stopped.receivedSeq())
        .withAttribute("expectedSeq", Long.toString(stopped.expectedSeq())));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onLinkSignal(ReplicatorState state, LinkSignal signal) {
    JournalCollectedException behind = signal instanceof LinkDown down ? collected(down.cause()) : null;
    if (behind == null || state.resync() != null) {
      link.on(signal, state);
      return Effect().noReply();
    }
    String reason = "behind the journal horizon: " + behind.getMessage();
    return Effect().persist(new ReplicatorEvent.ResyncNeeded(reason, System.currentTimeMillis()))
        .thenRun(s -> {
          resyncNeeded(reason);
          link.on(signal, s); // the link goes down as any; the next connection runs the resync
        })
        .thenNoReply();
  }

  private static JournalCollectedException collected(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JournalCollectedException c) return c;
    }
    return null;
  }

  /**
   * An operator's request approves a needed resync and leaves a running one alone; the retention cap dropping the
   * peer again while a run holds the journal back abandons the run if the peer is not taking it in right now.
   */
  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRequireResync(ReplicatorState state, RequireResync cmd) {
    // A run the peer is taking in, or took in lately (a cut, and the link in backoff), is not abandoned: the journal
    // exceeds its cap until it ends. One that has not moved for three longest backoffs is: its peer is not there.
    boolean stuck = System.currentTimeMillis() - lastResyncProgressMillis
        > 3 * wiring.settings().backoffMax().toMillis();
    boolean abandon = state.resyncRun() != null && !cmd.byOperator() && link.view().state() != LinkState.RESYNCING
        && stuck;
    if (state.resync() != null && !abandon) {
      if (cmd.byOperator() && state.resyncRun() == null) {
        link.resyncNeeded(state, true, "resync approved by an operator");
      }
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new ReplicatorEvent.ResyncNeeded(cmd.reason(), System.currentTimeMillis()))
        .thenRun(s -> {
          resyncNeeded(cmd.reason());
          link.resyncNeeded(s, cmd.byOperator(), "restarted for a snapshot resync: " + cmd.reason());
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onMembership(ReplicatorState state, Membership cmd) {
    if (cmd.member() != state.removed()) return Effect().reply(cmd.replyTo(), status(state));
    long now = System.currentTimeMillis();
    if (!cmd.member()) {
      return Effect().persist(new ReplicatorEvent.PeerRemoved(now))
          .thenRun(s -> {
            String what = "removed from the site's peers by a reload: its cursors are dropped and its link stopped";
            context.getLog().warn("[{}] {}", wiring.link(), what);
            audit(AuditKind.PEER_REMOVED, what);
            acked.forget();
            link.removed();
          })
          .thenReply(cmd.replyTo(), this::status);
    }
    return Effect().persist(new ReplicatorEvent.PeerRejoined(now))
        .thenRun(s -> {
          String what = "added back to the site's peers by a reload: it starts from nothing";
          context.getLog().info("[{}] {}", wiring.link(), what);
          audit(AuditKind.PEER_ADDED, what);
          acked.forget();
          link.recovered(s);
        })
        .thenReply(cmd.replyTo(), this::status);
  }

  private void resyncNeeded(String reason) {
    finishedResync = null;
    context.getLog().warn("[{}] the peer needs a snapshot resync{}: {}", wiring.link(),
        wiring.resync().auto() ? "" : " (auto resync is off: `cfs admin replication resync` starts it)", reason);
    audit(AuditKind.RESYNC_NEEDED, reason);
    wiring.metrics().onResync(wiring.peer(), ReplicationMetrics.RESYNC_NEEDED, 0, 0);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onOpenRun(ReplicatorState state, OpenRun cmd) {
    if (state.resyncRun() != null) return Effect().reply(cmd.replyTo(), state.resyncRun());
    long id = Math.max(System.currentTimeMillis(), lastRunId + 1);
    return Effect().persist(new ReplicatorEvent.ResyncStarted(id, cmd.marks(), System.currentTimeMillis()))
        .thenRun(s -> {
          lastRunId = id;
          lastResyncProgressMillis = System.currentTimeMillis();
          String detail = "snapshot resync " + id + " started; the tail resumes from " + wiring.localSite()
              + "'s watermarks " + s.resyncRun().cursorsOf(wiring.localSite()).values().stream()
              .mapToLong(Long::longValue).sum() + " (sum over shards) once installed";
          context.getLog().info("[{}] {}", wiring.link(), detail);
          audit(AuditKind.RESYNC_STARTED, detail);
          wiring.metrics().onResync(wiring.peer(), ReplicationMetrics.RESYNC_STARTED, 0, 0);
        })
        .thenReply(cmd.replyTo(), ReplicatorState::resyncRun);
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRecordResync(ReplicatorState state, RecordResync cmd) {
    Resync.Run run = state.resyncRun();
    ResyncMessage.Ack ack = cmd.ack();
    if (run == null || run.id() != ack.resyncId()) return Effect().reply(cmd.replyTo(), Done.getInstance());
    link.acked();
    lastResyncProgressMillis = System.currentTimeMillis();
    if (!ack.finished()) {
      wiring.metrics().onResync(wiring.peer(), ReplicationMetrics.RESYNC_CHUNK, ack.values(), ack.payloadBytes());
      return Effect().persist(new ReplicatorEvent.ResyncProgressed(run.id(), ack.lastInodeId(), ack.values(),
              ack.payloadBytes()))
          .thenReply(cmd.replyTo(), s -> Done.getInstance());
    }
    long now = System.currentTimeMillis();
    ResyncView done = ResyncView.of(state.resync()).finished(now);
    return Effect().persist(new ReplicatorEvent.ResyncFinished(run.id(), run.cursorsOf(wiring.localSite()), now))
        .thenRun(s -> {
          finishedResync = done;
          String detail = "snapshot resync " + run.id() + " installed by the peer: " + done.values() + " values, "
              + done.bytes() + " payload bytes in " + (now - run.startedMillis()) + " ms"
              + (ack.skipped().isEmpty() ? "" : "; origins whose marks it did not install: " + ack.skipped());
          context.getLog().info("[{}] {}", wiring.link(), detail);
          audit(AuditKind.RESYNC_FINISHED, detail);
          wiring.metrics().onResync(wiring.peer(), ReplicationMetrics.RESYNC_FINISHED, 0, 0);
          link.resynced(s);
        })
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onGetStatus(ReplicatorState state, GetStatus cmd) {
    measureLag(state, cmd.replyTo(), false);
    return Effect().noReply(); // answered by onLagMeasured
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRefreshLag(ReplicatorState state, RefreshLag cmd) {
    refreshLag(state);
    return Effect().noReply();
  }

  private void refreshLag(ReplicatorState state) {
    measureLag(state, null, true);
    telemetry.tick(System.currentTimeMillis());
  }

  private void measureLag(ReplicatorState state, ActorRef<ReplicatorStatus> replyTo, boolean publish) {
    context.pipeToSelf(telemetry.measureLag(state.cursors()),
        (lag, failure) -> new LagMeasured(lag, failure, replyTo, publish));
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onLagMeasured(ReplicatorState state, LagMeasured cmd) {
    telemetry.lagMeasured(cmd.lag(), cmd.failure(), cmd.publish(), System.currentTimeMillis());
    return cmd.replyTo() == null ? Effect().noReply() : Effect().reply(cmd.replyTo(), status(state));
  }

  private ReplicatorStatus status(ReplicatorState state) {
    ResyncView resync = state.resync() != null ? ResyncView.of(state.resync()) : finishedResync;
    return telemetry.status(link.view(), state.stopped().values(), resync);
  }
}
