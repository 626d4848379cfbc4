package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.transport.link.LinkSession;
import io.cfs.repl.transport.tls.PeerCertificate;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * The link to one peer, as runtime state of its {@link SiteReplicator}: runs one {@link LinkStream} at a time from the
 * persisted read positions, dials again with {@link Backoff} when a connection ends, stops for good when the peer
 * refuses a batch (retrying the same batch cannot succeed) unless it refused the batch's stale epoch (then it dials
 * again with backoff: the batch goes through once this site has adopted the peer's epoch), and ends the stream with
 * its kill switch on pause, retry and actor stop.
 *
 * <p>A peer that needs a snapshot resync gets a {@link ResyncStream} instead, on the resync channel, when
 * {@code cfs-repl.resync.auto} is on or an operator asked; otherwise the link waits in NEEDS_RESYNC. Once the peer has
 * installed the snapshot the replicator restarts the link, which then tails the journal from the snapshot's marks.
 *
 * <p>Called only from the replicator's command and signal handlers, never during replay, so it needs no locking. Every
 * connection gets a new generation, and so does every shutdown: the end of a stream reports the generation it was
 * started with, and an older one is a connection that was replaced or shut down on purpose, whose end is ignored.
 *
 * <p>The audit trail gets a LINK_UP when the link becomes CONNECTED and a LINK_DOWN, with the reason, when a connected
 * link stops being so (lost, refused, paused, restarted, or its replicator stopped): they alternate, starting with UP.
 * Failed dials of a link that is not up are not audited (status shows them).
 */
final class LinkSupervisor {

  /** What status shows of the link. */
  /**
   * @param connection "mtls" or "plain": how this link connects
   * @param peerCertificate what the peer presented on the last connection that opened; null before one did, or on
   *     plain TCP
   */
  record View(LinkState state, long sinceMillis, long disconnectedSinceMillis, String lastError, String peerAddress,
              String connection, PeerCertificate peerCertificate) {
  }

  private final ActorContext<SiteReplicator.Command> context;
  private final TimerScheduler<SiteReplicator.Command> timers;
  private final ReplicatorWiring wiring;
  private final PeerAcks acked;
  private final WireThrottle throttle;
  private final Backoff backoff;

  private LinkState state = LinkState.RECOVERING;
  private long sinceMillis = System.currentTimeMillis();
  /** Kept across CONNECTING and BACKOFF, so a link that keeps failing shows when it was last up. */
  private long disconnectedSinceMillis = sinceMillis;
  private String lastError;
  private PeerCertificate peerCertificate;
  private long generation;
  private UniqueKillSwitch killSwitch;
  /** Whether the audit trail's last word on this link was LINK_UP. */
  private boolean auditedUp;
  /** Whether the running connection ships a snapshot rather than the journal. */
  private boolean resyncing;
  /** An operator asked for the resync the peer needs: it runs even with auto resync off. */
  private boolean resyncApproved;

  LinkSupervisor(ActorContext<SiteReplicator.Command> context, TimerScheduler<SiteReplicator.Command> timers,
                 ReplicatorWiring wiring, PeerAcks acked, WireThrottle throttle) {
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.acked = acked;
    this.throttle = throttle;
    this.backoff = new Backoff(wiring.settings(), wiring.peerAddresses());
    wiring.metrics().onLinkStateChanged(wiring.peer(), state);
  }

  /** Recovery is over: a paused link stays down, any other starts from the recovered cursors. */
  void recovered(ReplicatorState recovered) {
    if (recovered.removed()) {
      enter(LinkState.REMOVED);
    } else if (recovered.paused()) {
      enter(LinkState.PAUSED);
    } else {
      connect(recovered);
    }
  }

  void pause() {
    shutdown("paused by an operator");
    enter(LinkState.PAUSED);
  }

  /** An operator's retry (resume, forced sync): the error is cleared and backoff starts from its first delay. */
  void retry(ReplicatorState resumed) {
    lastError = null;
    backoff.reset();
    restart(resumed, "restarted by an operator (resume or forced sync) from the persisted cursors");
  }

  /** Restarts without the stopped shards (the read positions leave them out); the others go on from their cursors. */
  void shardsStopped(String reason, ReplicatorState withStopped) {
    lastError = reason;
    // an ack already on its way when the operator paused: the pause holds, resume restarts without the shard
    if (state != LinkState.PAUSED) restart(withStopped, "restarted without the stopped shards: " + reason);
  }

  /** The peer acknowledged: the connection works, so the next failure waits the shortest delay again. */
  void acked() {
    backoff.reset();
  }

  /** An operator's sync of a link that needs no retry. */
  SyncOutcome.Action sync(boolean force, ReplicatorState current) {
    if (state == LinkState.BACKOFF) {
      context.getLog().info("[{}] sync: reconnecting now instead of after backoff", wiring.link());
      backoff.reset();
      restart(current, "reconnecting now on an operator's sync");
      return SyncOutcome.Action.RECONNECTED;
    }
    if (force) {
      context.getLog().info("[{}] forced sync: re-establishing the link from the persisted cursors", wiring.link());
      restart(current, "re-established from the persisted cursors by an operator's forced sync");
      return SyncOutcome.Action.RESTARTED;
    }
    return SyncOutcome.Action.NONE;
  }

  /** Stopped on a refused batch: only an operator's retry restarts it. */
  boolean stoppedOnError() {
    return state == LinkState.STOPPED;
  }

  void on(SiteReplicator.LinkSignal signal, ReplicatorState current) {
    if (signal instanceof SiteReplicator.LinkUp up) {
      up(up.generation(), up.session());
    } else if (signal instanceof SiteReplicator.LinkDown down) {
      down(down.generation(), down.cause());
    } else if (signal == SiteReplicator.Reconnect.INSTANCE) {
      reconnect(current);
    }
  }

  private void up(long connection, LinkSession session) {
    if (connection == generation && state == LinkState.CONNECTING) {
      peerCertificate = session.peerCertificate().orElse(null);
      context.getLog().info("[{}] connected to {}", wiring.link(), addressText());
      lastError = null; // the link works again; stopped shards keep their own reason
      enter(resyncing ? LinkState.RESYNCING : LinkState.CONNECTED);
      auditUp();
    }
  }

  private void down(long connection, Throwable cause) {
    if (connection != generation) {
      return;
    }
    generation++;
    killSwitch = null;
    lastError = describe(cause);
    boolean staleEpoch = cause instanceof AckSummary.BatchRejectedException rejected && rejected.staleEpoch();
    boolean refused = cause instanceof AckSummary.BatchRejectedException && !staleEpoch
        || cause instanceof ResyncRefusedException;
    auditDown((refused ? "stopped: " : staleEpoch ? "refused as of a stale epoch, reconnecting: " : "connection lost: ")
        + lastError);
    if (refused) {
      wiring.metrics().onLinkDown(wiring.peer(), ReplicationMetrics.REJECTED_BY_PEER);
      context.getLog().error("[{}] link stopped: {}", wiring.link(), lastError);
      enter(LinkState.STOPPED);
      return;
    }
    wiring.metrics().onLinkDown(wiring.peer(), staleEpoch ? ReplicationMetrics.STALE_EPOCH
        : ReplicationMetrics.LINK_FAILED);
    Duration delay = backoff.failed(ThreadLocalRandom.current().nextDouble());
    context.getLog().warn("[{}] link down ({}); reconnect attempt {} to {} in {} ms", wiring.link(), lastError,
        backoff.attempt(), addressText(), delay.toMillis());
    enter(LinkState.BACKOFF);
    timers.startSingleTimer(SiteReplicator.Reconnect.INSTANCE, delay);
  }

  /** The backoff timer fired; a pause or retry meanwhile cancelled it, but its message may already be queued. */
  private void reconnect(ReplicatorState current) {
    if (state == LinkState.BACKOFF) {
      connect(current);
    }
  }

  /** The replicator stopped: its connection ends with it. */
  void stopped() {
    shutdown("the replicator stopped (node stopping, replicator moving to another node of the site, or fenced)");
  }

  /** Ends the current connection on purpose, for {@code why}: its end is ignored because the generation moves on. */
  private void shutdown(String why) {
    auditDown(why);
    generation++;
    timers.cancel(SiteReplicator.Reconnect.INSTANCE);
    if (killSwitch != null) {
      killSwitch.shutdown();
      killSwitch = null;
    }
  }

  View view() {
    return new View(state, sinceMillis, disconnectedSinceMillis, lastError, addressText(),
        wiring.security().connection(), peerCertificate);
  }

  private void restart(ReplicatorState current, String why) {
    shutdown(why);
    connect(current);
  }

  /**
   * The peer needs a resync (found behind the horizon, dropped, or asked by an operator, who thereby approves it): the
   * link restarts into it, or waits for an operator's approval when auto resync is off.
   */
  void resyncNeeded(ReplicatorState current, boolean approvedByOperator, String why) {
    resyncApproved |= approvedByOperator;
    if (state == LinkState.PAUSED) return; // resume starts it
    if (approvedByOperator) {
      lastError = null;
      backoff.reset();
    }
    restart(current, why);
  }

  /** The peer installed the snapshot: the link tails the journal from the cursors the snapshot moved. */
  void resynced(ReplicatorState current) {
    resyncApproved = false;
    backoff.reset();
    restart(current, "the peer installed the snapshot: the journal tail resumes from its watermarks");
  }

  /** The peer was removed by a reload: the link ends and stays down. */
  void removed() {
    shutdown("the peer was removed from the site's peers");
    enter(LinkState.REMOVED);
  }

  private void connect(ReplicatorState current) {
    if (current.removed()) {
      enter(LinkState.REMOVED);
      return;
    }
    resyncing = current.resync() != null;
    if (resyncing && !resyncApproved && !wiring.resync().auto()) {
      generation++;
      enter(LinkState.NEEDS_RESYNC);
      return;
    }
    long connection = ++generation;
    enter(LinkState.CONNECTING);
    LinkStream.Running running = resyncing
        ? ResyncStream.start(context.getSystem(), wiring, backoff.address(), current.resyncRun(), throttle,
            context.getSelf())
        : LinkStream.start(context.getSystem(), wiring, backoff.address(), current.readPositions(), acked, throttle,
            context.getSelf());
    killSwitch = running.killSwitch();
    context.pipeToSelf(running.session(), (session, err) -> err == null
        ? new SiteReplicator.LinkUp(connection, session)
        : new SiteReplicator.LinkDown(connection, err));
    context.pipeToSelf(running.done(), (ok, err) -> new SiteReplicator.LinkDown(connection,
        err != null ? err : new IllegalStateException("link closed by peer")));
  }

  private void enter(LinkState next) {
    if (next != state) {
      state = next;
      sinceMillis = System.currentTimeMillis();
      if (next == LinkState.CONNECTED) {
        disconnectedSinceMillis = 0;
      } else if (disconnectedSinceMillis == 0) {
        disconnectedSinceMillis = sinceMillis;
      }
      wiring.metrics().onLinkStateChanged(wiring.peer(), next);
    }
  }

  private void auditUp() {
    if (auditedUp) return;
    auditedUp = true;
    wiring.audit().record(AuditRecord.of(AuditKind.LINK_UP, sinceMillis, wiring.localSite(),
            "connected to " + addressText())
        .withPeer(wiring.peer()).withAttribute("address", addressText()));
  }

  /** Before the state changes: the record names how long the link was connected and the address it had. */
  private void auditDown(String why) {
    if (!auditedUp) return;
    auditedUp = false;
    long now = System.currentTimeMillis();
    wiring.audit().record(AuditRecord.of(AuditKind.LINK_DOWN, now, wiring.localSite(), why)
        .withPeer(wiring.peer()).withAttribute("address", addressText())
        .withAttribute("connectedMillis", Long.toString(Math.max(0, now - sinceMillis))));
  }

  private String addressText() {
    return backoff.address().getHostString() + ":" + backoff.address().getPort();
  }

  /** The root cause an operator can act on, past the wrappers futures and streams add. */
  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root
        && (root instanceof CompletionException || root.getMessage() == null)) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
