package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.link.ClockOffset;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * What the replicator measures about its link, for status and metrics: entries, batches and bytes the peer
 * acknowledged and their rates between lag ticks, the latest lag, and the peer's clock offset. Runtime only: it
 * starts from zero with the actor. Called only from the replicator's handlers; the time is passed in, so tests need
 * no clock.
 */
final class LinkTelemetry {
  private final ReplicatorWiring wiring;
  private final PeerAcks acked;
  private final WireThrottle throttle;
  private final Executor readExecutor;
  private final String replicatorNode;
  private final Logger log;

  private long lastTickMillis;
  private long ackedAtLastTick;
  private long bytesAtLastTick;
  private double ackedPerSecond;
  private double bytesPerSecond;
  private long wireBytesAtLastTick;
  private long wireBytesPerSecond;
  private Lag lastLag = Lag.UNMEASURED;
  private ClockOffset clockSample;
  private long clockSampleAtMillis;

  /**
   * @param acked what the peer acknowledged, counted as the acks arrive, ahead of the persisted cursors: lag is
   *     measured against it and status shows its counts
   * @param throttle the link's throttle, which also counts the bytes the link put on the wire
   * @param readExecutor where lag is measured: a journal read, a database round trip on PostgreSQL
   * @param replicatorNode the cluster address of the node this replicator runs on
   */
  LinkTelemetry(ReplicatorWiring wiring, PeerAcks acked, WireThrottle throttle, Executor readExecutor,
                String replicatorNode, Logger log, long nowMillis) {
    this.wiring = wiring;
    this.acked = acked;
    this.throttle = throttle;
    this.readExecutor = readExecutor;
    this.replicatorNode = replicatorNode;
    this.log = log;
    this.lastTickMillis = nowMillis;
    this.wireBytesAtLastTick = throttle.bytesPassed();
  }

  /** Acks on their way to a cursor event: their best clock sample. */
  void acked(AckSummary acks, long nowMillis) {
    observeClockSkew(acks.clock(), nowMillis);
  }

  /** The lag timer's tick: the acknowledged entries and bytes rates, and the bytes put on the wire, since the last. */
  void tick(long nowMillis) {
    long wireBytes = throttle.bytesPassed();
    long ackedEntries = acked.entries();
    long ackedBytes = acked.bytes();
    if (nowMillis > lastTickMillis) {
      ackedPerSecond = (ackedEntries - ackedAtLastTick) * 1000.0 / (nowMillis - lastTickMillis);
      bytesPerSecond = (ackedBytes - bytesAtLastTick) * 1000.0 / (nowMillis - lastTickMillis);
      wireBytesPerSecond = (wireBytes - wireBytesAtLastTick) * 1000 / (nowMillis - lastTickMillis);
    }
    lastTickMillis = nowMillis;
    ackedAtLastTick = ackedEntries;
    bytesAtLastTick = ackedBytes;
    wireBytesAtLastTick = wireBytes;
  }

  /** Runs off the actor, against the positions the peer acknowledged, which the cursors trail by a persist interval. */
  CompletableFuture<Lag> measureLag(Map<Integer, Long> cursors) {
    return CompletableFuture.supplyAsync(
        () -> Lag.measure(wiring.journal(), acked.atLeast(cursors), System.currentTimeMillis()), readExecutor);
  }

  /**
   * Keeps {@code lag} unless a later measurement already arrived (measurements run concurrently and may finish out of
   * order), and publishes it if the timer asked.
   */
  void lagMeasured(Lag lag, Throwable failure, boolean publish, long nowMillis) {
    if (failure != null) { // the journal closing under a stopping node: the last measurement stands
      log.debug("[{}] lag not measured: {}", wiring.link(), failure.toString());
    } else if (lag.measuredAtMillis() >= lastLag.measuredAtMillis()) {
      lastLag = lag;
      if (publish) {
        wiring.metrics().onLag(wiring.peer(), lastLag.entries(), lastLag.millis(nowMillis));
      }
    }
  }

  /** The link with the latest lag measurement (a status request measures afresh; other replies carry the latest). */
  ReplicatorStatus status(LinkSupervisor.View link, Collection<StoppedShard> stopped, ResyncView resync) {
    return new ReplicatorStatus(wiring.localSite(), wiring.peer(), link.state(), link.sinceMillis(), link.lastError(),
        lastLag.entries(), lastLag.oldestUnackedHlc(), acked.entries(), acked.batches(), List.copyOf(stopped),
        link.disconnectedSinceMillis(), lastLag.measuredAtMillis(), ackedPerSecond,
        clockSample == null ? null : clockSample.offsetMillis(), replicatorNode, link.peerAddress(), acked.bytes(),
        bytesPerSecond, link.connection(), link.peerCertificate(), throttle.bytesPerSecond(), wireBytesPerSecond,
        resync);
  }

  private void auditSkew(String detail, ClockOffset offset, long nowMillis) {
    wiring.audit().record(AuditRecord.of(AuditKind.CLOCK_SKEW, nowMillis, wiring.localSite(), detail)
        .withPeer(wiring.peer()).withAttribute("offsetMillis", Long.toString(offset.offsetMillis())));
  }

  /**
   * Keeps the sample with the smallest round trip, re-baselined every clock-skew window (so a changed skew shows
   * within one window); warns when the skew crosses the threshold, once per crossing.
   */
  private void observeClockSkew(ClockOffset sample, long nowMillis) {
    if (sample == null) return;
    boolean stale = clockSample == null
        || nowMillis - clockSampleAtMillis > wiring.settings().clockSkewWindow().toMillis();
    ClockOffset next = stale ? sample : sample.better(clockSample);
    if (next == clockSample) return;
    long threshold = wiring.settings().clockSkewWarn().toMillis();
    boolean wasOver = clockSample != null && Math.abs(clockSample.offsetMillis()) > threshold;
    boolean isOver = Math.abs(next.offsetMillis()) > threshold;
    if (isOver && !wasOver) {
      String detail = String.format("clock skew %d ms (round trip %d ms) to the peer exceeds %d ms: check NTP",
          next.offsetMillis(), next.roundTripMillis(), threshold);
      log.warn("[{}] {}", wiring.link(), detail);
      auditSkew(detail, next, nowMillis);
    } else if (wasOver && !isOver) {
      log.info("[{}] clock skew back to {} ms", wiring.link(), next.offsetMillis());
      auditSkew("clock skew back to " + next.offsetMillis() + " ms, within " + threshold + " ms", next, nowMillis);
    }
    wiring.metrics().onClockSkew(wiring.peer(), next.offsetMillis());
    clockSample = next;
    clockSampleAtMillis = nowMillis;
  }
}
