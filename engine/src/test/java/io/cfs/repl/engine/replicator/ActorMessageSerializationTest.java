package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.store.OriginMarks;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.transport.kryo.KryoPekkoSerializer;
import io.cfs.repl.transport.tls.PeerCertificate;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every replicator message that can cross a node of the site cluster (commands to the singleton, the status reply,
 * persisted events and snapshots) goes through the Kryo serializer, with Java serialization off, and comes back
 * equal; a deserialized replyTo still delivers.
 */
class ActorMessageSerializationTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(NodeConfig.base()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(KIT.system());
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer).isInstanceOf(KryoPekkoSerializer.class);
    byte[] bytes = serializer.toBinary(message);
    return serialization.deserialize(bytes, serializer.identifier(), "").get();
  }

  @Test
  void javaSerializationIsOff() {
    assertThat(KIT.system().settings().config().getBoolean("pekko.actor.allow-java-serialization")).isFalse();
  }

  @Test
  void commandsCarryAWorkingReplyTo() {
    TestProbe<ReplicatorStatus> probe = KIT.createTestProbe();
    ReplicatorStatus status = new ReplicatorStatus("site-a", "site-b", LinkState.CONNECTED, 5, null, 3, 9, 100, 2,
        List.of(new StoppedShard(4, 1, 7, 8)));
    for (SiteReplicator.Command cmd : List.of(new SiteReplicator.GetStatus(probe.ref()),
        new SiteReplicator.Pause(probe.ref()), new SiteReplicator.Resume(probe.ref()))) {
      SiteReplicator.Command back = (SiteReplicator.Command) roundTrip(cmd);
      assertThat(back).isEqualTo(cmd);
    }
    TestProbe<SyncOutcome> syncProbe = KIT.createTestProbe();
    var throttle = (SiteReplicator.SetThrottle) roundTrip(new SiteReplicator.SetThrottle(4096, probe.ref()));
    assertThat(throttle.bytesPerSecond()).isEqualTo(4096);
    throttle.replyTo().tell(status);
    probe.expectMessage(status);
    var sync = (SiteReplicator.Sync) roundTrip(new SiteReplicator.Sync(true, syncProbe.ref()));
    assertThat(sync.force()).isTrue();
    SyncOutcome outcome = new SyncOutcome(SyncOutcome.Action.RETRIED, status);
    assertThat(roundTrip(outcome)).isEqualTo(outcome);
    sync.replyTo().tell(outcome);
    syncProbe.expectMessage(outcome);
    TestProbe<PersistedCursors> cursorsProbe = KIT.createTestProbe();
    var getCursors = (SiteReplicator.GetCursors) roundTrip(new SiteReplicator.GetCursors(cursorsProbe.ref()));
    PersistedCursors cursors = new PersistedCursors("site-b", Map.of(1, 2L, 7, 40L));
    assertThat(roundTrip(cursors)).isEqualTo(cursors);
    getCursors.replyTo().tell(cursors);
    cursorsProbe.expectMessage(cursors);
    var resync = (SiteReplicator.RequireResync) roundTrip(new SiteReplicator.RequireResync("asked", true,
        probe.ref()));
    assertThat(resync.reason()).isEqualTo("asked");
    assertThat(resync.byOperator()).isTrue();
    resync.replyTo().tell(status);
    probe.expectMessage(status);
    var back = (SiteReplicator.GetStatus) roundTrip(new SiteReplicator.GetStatus(probe.ref()));
    back.replyTo().tell(status);
    probe.expectMessage(status);
  }

  @Test
  void statusEventsAndStateRoundTrip() {
    List<Object> all = List.of(
        new ReplicatorStatus("site-a", "site-b", LinkState.BACKOFF, 5, "refused", 3, 9, 100, 2,
            List.of(new StoppedShard(4, 1, 7, 8))),
        new ReplicatorStatus("site-a", "site-b", LinkState.CONNECTING, 5, "refused", 3, 9, 100, 2,
            List.of(), 4, 6, 1234.5, -42L, "cfs-repl@127.0.0.1:25520", "10.0.0.2:9500", 4096, 512.5, "mtls",
            new PeerCertificate("CN=site-b", List.of("site-b"), "1f", 1_900_000_000_000L), 2_097_152, 2_000_000,
            new ResyncView(ResyncView.Phase.FINISHED, "requested by an operator", 1, 9, 1000, 200_000, 77, 2, 3)),
        new PersistedCursors("site-b", Map.of(), true, true),
        new PersistedCursors("site-b", Map.of(1, 9L), false, true),
        new ReplicatorEvent.CursorsAdvanced(Map.of(1, 2L)),
        new ReplicatorEvent.ShardStopped(new StoppedShard(4, 1, 7, 8)),
        new ReplicatorEvent.LinkPaused(1), new ReplicatorEvent.LinkResumed(2),
        new ReplicatorEvent.ThrottleChanged(1_048_576, 3),
        new ReplicatorEvent.ResyncNeeded("behind the horizon", 4),
        new ReplicatorEvent.ResyncStarted(5, Map.of("site-a", new OriginMarks(Optional.of(new UUID(1, 2)),
            Map.of(0, 10L, 3, 4L)), "site-c", new OriginMarks(Optional.empty(), Map.of(1, 1L))), 6),
        new ReplicatorEvent.ResyncProgressed(5, -3, 2048, 1 << 20),
        new ReplicatorEvent.ResyncFinished(5, Map.of(0, 10L, 3, 4L), 7),
        new ReplicatorState(Map.of(0, 3L), false, Map.of(), null, new Resync("dropped", 8,
            new Resync.Run(5, Map.of("site-a", new OriginMarks(Optional.empty(), Map.of(0, 10L))), true, -3, 2048,
                1 << 20, 9))),
        new ReplicatorState(Map.of(0, 3L), true, Map.of(), 5L, new Resync("dropped", 8, null)),
        new ReplicatorState(Map.of(1, 2L), false, Map.of()),
        new ReplicatorState(Map.of(1, 2L), false, Map.of(), 0L));
    for (Object o : all) {
      assertThat(roundTrip(o)).isEqualTo(o);
    }
  }
}
