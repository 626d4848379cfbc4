package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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

  /** From the link stream: acknowledgements merged since the last one; replied once persisted. */
  record RecordAcks(AckSummary acks, ActorRef<Done> replyTo) implements Command {
  }

  private record LinkUp(long generation) implements Command {
  }

  private record LinkDown(long generation, Throwable cause) implements Command {
  }

  private enum Reconnect implements Command { INSTANCE }

  public static PersistenceId persistenceId(String localSite, String peer) {
    return PersistenceId.of("SiteReplicator", localSite + "->" + peer);
  }

  public static Behavior<Command> create(ReplicatorWiring wiring) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SiteReplicator(ctx, timers, wiring)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReplicatorWiring wiring;
  private final String link;

  private LinkState linkState = LinkState.RECOVERING;
  private long sinceMillis = System.currentTimeMillis();
  private String lastError;
  private long generation;
  private UniqueKillSwitch killSwitch;
  private int attempt;
  private long ackedEntries;
  private long ackedBatches;

  private SiteReplicator(ActorContext<Command> context, TimerScheduler<Command> timers, ReplicatorWiring wiring) {
    super(persistenceId(wiring.localSite(), wiring.peer()));
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.link = wiring.localSite() + "->" + wiring.peer();
  }

  @Override
  public ReplicatorState emptyState() {
    return ReplicatorState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(wiring.settings().snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, ReplicatorEvent, ReplicatorState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(RecordAcks.class, this::onRecordAcks)
        .onCommand(GetStatus.class, (state, cmd) -> Effect().reply(cmd.replyTo(), status(state)))
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
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
    if (state.paused()) {
      enter(LinkState.PAUSED);
    } else {
      connect(state);
    }
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onRecordAcks(ReplicatorState state, RecordAcks cmd) {
    AckSummary acks = cmd.acks();
    ackedEntries += acks.entries();
    ackedBatches += acks.batches();
    attempt = 0;
    List<ReplicatorEvent> events = new ArrayList<>();
    Map<Integer, Long> forward = state.forwardOnly(acks.watermarks());
    if (!forward.isEmpty()) {
      events.add(new ReplicatorEvent.CursorsAdvanced(forward));
    }
    List<StoppedShard> newlyStopped = new ArrayList<>();
    for (ApplyResult.Gap gap : acks.gaps()) {
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
    newlyStopped.forEach(s -> context.getLog().error("[{}] shard stopped: {}", link, s.reason()));
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
      context.getLog().info("[{}] connected to {}", link, wiring.peerAddress());
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
      context.getLog().error("[{}] link stopped: {}", link, lastError);
      enter(LinkState.STOPPED);
      return Effect().noReply();
    }
    attempt++;
    var delay = wiring.settings().backoff(attempt, ThreadLocalRandom.current().nextDouble());
    context.getLog().warn("[{}] link down ({}); reconnect attempt {} in {} ms", link, lastError, attempt,
        delay.toMillis());
    enter(LinkState.BACKOFF);
    timers.startSingleTimer(Reconnect.INSTANCE, delay);
    return Effect().noReply();
  }

  private ReplyEffect<ReplicatorEvent, ReplicatorState> onReconnect(ReplicatorState state, Reconnect cmd) {
    if (linkState == LinkState.BACKOFF) {
      connect(state);
    }
    return Effect().noReply();
  }

  private void restartLink(ReplicatorState state) {
    shutdownLink();
    connect(state);
  }

  private void connect(ReplicatorState state) {
    long gen = ++generation;
    enter(LinkState.CONNECTING);
    LinkStream.Running running = LinkStream.start(context.getSystem(), wiring, state.readPositions(),
        context.getSelf());
    killSwitch = running.killSwitch();
    context.pipeToSelf(running.handshake(), (ok, err) -> err == null ? new LinkUp(gen) : new LinkDown(gen, err));
    context.pipeToSelf(running.done(), (ok, err) -> new LinkDown(gen,
        err != null ? err : new IllegalStateException("link closed by peer")));
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
    }
  }

  /**
   * Lag is computed against the local journal: a handful of point reads per lagging shard, from memory in the
   * common case, so it is answered inline.
   */
  private ReplicatorStatus status(ReplicatorState state) {
    LocalJournal journal = wiring.journal();
    long lagEntries = 0;
    long oldest = 0;
    for (Map.Entry<Integer, Long> head : journal.heads().entrySet()) {
      long cursor = state.cursor(head.getKey());
      if (head.getValue() > cursor) {
        lagEntries += head.getValue() - cursor;
        OptionalLong hlc = journal.hlcAt(head.getKey(), cursor + 1);
        if (hlc.isPresent() && (oldest == 0 || hlc.getAsLong() < oldest)) {
          oldest = hlc.getAsLong();
        }
      }
    }
    return new ReplicatorStatus(wiring.localSite(), wiring.peer(), linkState, sinceMillis, lastError, lagEntries,
        oldest, ackedEntries, ackedBatches, List.copyOf(state.stopped().values()));
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
