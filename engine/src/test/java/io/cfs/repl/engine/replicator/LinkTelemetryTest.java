package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.link.ClockOffset;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.PeerCertificate;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.cfs.repl.transport.throttle.WireThrottle;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Status and metrics from what the link saw, with the time passed in: no clock, no actor. */
class LinkTelemetryTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
          cfs-repl.replicator.clock-skew-window = 30s
          cfs-repl.replicator.clock-skew-warn = 500ms
          """).withFallback(NodeConfig.base()).resolve();
  private static final long T0 = 1_000_000;
  private static final LinkSupervisor.View CONNECTED =
      new LinkSupervisor.View(LinkState.CONNECTED, T0, 0, null, "peer-1:9500", "plain", null);

  private record Published(long entries, long millis) {
  }

  private final List<Published> published = new ArrayList<>();
  private final PeerAcks peerAcks = new PeerAcks();
  private final LinkTelemetry telemetry = new LinkTelemetry(wiring(new ReplicationMetrics() {
    @Override
    public void onLag(String peer, long entries, long millis) {
      published.add(new Published(entries, millis));
    }
  }), peerAcks, WireThrottle.unlimited(), Runnable::run, "cfs-repl@127.0.0.1:25520",
      LoggerFactory.getLogger(getClass()), T0);

  private static ReplicatorWiring wiring(ReplicationMetrics metrics) {
    // no journal: lag measurements are handed in, not read
    return new ReplicatorWiring("site-a", "site-b", List.of(new InetSocketAddress("127.0.0.1", 9500)), null,
        ReplicatorSettings.create(CONFIG), LinkSettings.create(CONFIG), WireCodec.create(CONFIG), metrics,
        LinkMetrics.NONE, BatchTracer.NONE);
  }

  private static AckSummary acks(ClockOffset clock) {
    return new AckSummary(Map.of(0, 1L), List.of(), clock);
  }

  private ReplicatorStatus status() {
    return telemetry.status(CONNECTED, List.of(new StoppedShard(3, 1, 9, T0)), null);
  }

  @Test
  void theCountsAreTheAcksAsTheyArrivedAndTheRateCoversThoseBetweenTwoTicks() {
    // no cursor event yet (no acked(...) call): status counts what the link received
    peerAcks.received(0, Map.of(0, 300L), 300, 3_000);
    peerAcks.received(0, Map.of(0, 500L), 200, 2_000);
    telemetry.tick(T0 + 2_000);
    assertThat(status().ackedEntriesPerSecond()).isEqualTo(250.0);
    assertThat(status().ackedEntries()).isEqualTo(500);
    assertThat(status().ackedBatches()).isEqualTo(2);
    assertThat(status().ackedBytes()).isEqualTo(5_000);
    assertThat(status().ackedBytesPerSecond()).isEqualTo(2_500.0);
    telemetry.tick(T0 + 2_000); // no time passed: the rate stands
    assertThat(status().ackedEntriesPerSecond()).isEqualTo(250.0);
    peerAcks.received(0, Map.of(0, 600L), 100, 1_000);
    assertThat(status().ackedEntries()).isEqualTo(600);
    telemetry.tick(T0 + 3_000);
    assertThat(status().ackedEntriesPerSecond()).isEqualTo(100.0);
    telemetry.tick(T0 + 4_000);
    assertThat(status().ackedEntriesPerSecond()).isZero();
  }

  @Test
  void clockSkewKeepsTheShortestRoundTripWithinAWindowAndTakesAFreshSampleAfterIt() {
    assertThat(status().clockSkewMillis()).isNull();
    telemetry.acked(acks(new ClockOffset(700, 40)), T0);
    telemetry.acked(acks(new ClockOffset(650, 4)), T0 + 1_000);
    telemetry.acked(acks(new ClockOffset(900, 80)), T0 + 2_000); // a worse sample inside the window
    assertThat(status().clockSkewMillis()).isEqualTo(650);
    telemetry.acked(acks(new ClockOffset(-20, 60)), T0 + 1_000 + 30_001); // the window passed
    assertThat(status().clockSkewMillis()).isEqualTo(-20);
  }

  @Test
  void crossingTheSkewThresholdIsAuditedEachWayAndEverySampleIsPublished() {
    List<AuditRecord> audited = new ArrayList<>();
    List<Long> skews = new ArrayList<>();
    ReplicatorWiring base = wiring(ReplicationMetrics.NONE);
    ReplicatorWiring wiring = new ReplicatorWiring(base.localSite(), base.peer(), base.peerAddresses(), null,
        base.settings(), base.linkSettings(), base.security(), base.codec(), new ReplicationMetrics() {
          @Override
          public void onClockSkew(String peer, long offsetMillis) {
            skews.add(offsetMillis);
          }
        }, LinkMetrics.NONE, BatchTracer.NONE, new HighestEpochSeen(0), audited::add);
    LinkTelemetry skewed = new LinkTelemetry(wiring, new PeerAcks(), WireThrottle.unlimited(), Runnable::run,
        "node", LoggerFactory.getLogger(getClass()), T0);

    skewed.acked(acks(new ClockOffset(100, 4)), T0);
    skewed.acked(acks(new ClockOffset(2_000, 3)), T0 + 31_000); // over 500 ms: audited once
    skewed.acked(acks(new ClockOffset(1_900, 2)), T0 + 32_000); // still over: not again
    skewed.acked(acks(new ClockOffset(10, 1)), T0 + 64_000); // back under

    assertThat(skews).containsExactly(100L, 2_000L, 1_900L, 10L);
    assertThat(audited).extracting(AuditRecord::kind).containsExactly(AuditKind.CLOCK_SKEW, AuditKind.CLOCK_SKEW);
    assertThat(audited.get(0).peer()).isEqualTo("site-b");
    assertThat(audited.get(0).detail()).contains("2000 ms").contains("exceeds 500 ms");
    assertThat(audited.get(0).attributes()).containsEntry("offsetMillis", "2000");
    assertThat(audited.get(1).detail()).contains("back to 10 ms");
  }

  @Test
  void aMeasurementOvertakenByALaterOneIsDroppedAndOnlyTheTimersArePublished() {
    long hlcNanos = (T0 - 5_000) * 1_000_000;
    telemetry.lagMeasured(new Lag(7, hlcNanos, T0 + 20), null, true, T0 + 20);
    telemetry.lagMeasured(new Lag(99, hlcNanos, T0 + 10), null, true, T0 + 30); // started earlier, finished later
    telemetry.lagMeasured(null, new IllegalStateException("journal closed"), true, T0 + 40);
    telemetry.lagMeasured(new Lag(8, hlcNanos, T0 + 50), null, false, T0 + 50); // a status request's
    assertThat(published).containsExactly(new Published(7, 5_020));
    ReplicatorStatus status = status();
    assertThat(status.lagEntries()).isEqualTo(8);
    assertThat(status.oldestUnackedHlc()).isEqualTo(hlcNanos);
    assertThat(status.lagMeasuredAtMillis()).isEqualTo(T0 + 50);
  }

  @Test
  void statusShowsTheLinkAsTheSupervisorSeesItAndTheStoppedShards() {
    ReplicatorStatus status = telemetry.status(
        new LinkSupervisor.View(LinkState.BACKOFF, T0 + 5, T0 + 1, "ConnectException: refused", "peer-2:9500",
            "mtls", new PeerCertificate("CN=site-b", List.of("site-b"), "2a", T0 + 10)),
        List.of(new StoppedShard(3, 1, 9, T0)), RESYNCING);
    assertThat(status).isEqualTo(new ReplicatorStatus("site-a", "site-b", LinkState.BACKOFF, T0 + 5,
        "ConnectException: refused", 0, 0, 0, 0, List.of(new StoppedShard(3, 1, 9, T0)), T0 + 1, 0, 0, null,
        "cfs-repl@127.0.0.1:25520", "peer-2:9500", 0, 0, "mtls",
        new PeerCertificate("CN=site-b", List.of("site-b"), "2a", T0 + 10), 0, 0, RESYNCING));
  }

  private static final ResyncView RESYNCING = new ResyncView(ResyncView.Phase.RUNNING, "behind the horizon", T0, 7,
      100, 20_000, 99, T0 + 2, 0);
}
