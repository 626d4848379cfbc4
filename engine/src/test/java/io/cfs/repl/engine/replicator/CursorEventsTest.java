package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The link's acks into cursor events: one per interval, each carrying every ack received before it started. */
class CursorEventsTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  // long enough that the checks between the two events fit in it on a loaded machine
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @AfterAll
  static void tearDown() {
    kit.shutdownTestKit();
  }

  private static AckSummary ack(int shard, long seq) {
    return new AckSummary(Map.of(shard, seq), List.of());
  }

  @Test
  void acksArrivingWhileAnEventIsWrittenOrWaitedForGoIntoTheNextEventWhole() {
    TestProbe<SiteReplicator.Command> replicator = kit.createTestProbe();
    TestPublisher.Probe<AckSummary> acks = TestSource.<AckSummary>probe(kit.system().classicSystem())
        .via(LinkStream.cursorEvents(kit.system(), replicator.ref(), INTERVAL, Duration.ofSeconds(5)))
        .to(Sink.ignore())
        .run(kit.system());

    acks.sendNext(ack(1, 10));
    SiteReplicator.RecordAcks first = replicator.expectMessageClass(SiteReplicator.RecordAcks.class);
    assertThat(first.acks().watermarks()).isEqualTo(Map.of(1, 10L));
    // while the first event is being written, and during the interval after it, acks merge
    acks.sendNext(ack(1, 20));
    acks.sendNext(ack(2, 5));
    long repliedAt = System.nanoTime();
    first.replyTo().tell(Done.getInstance());
    acks.sendNext(ack(1, 30));
    replicator.expectNoMessage(INTERVAL.dividedBy(2));

    SiteReplicator.RecordAcks second = replicator.expectMessageClass(SiteReplicator.RecordAcks.class);
    assertThat(Duration.ofNanos(System.nanoTime() - repliedAt)).isGreaterThanOrEqualTo(INTERVAL);
    assertThat(second.acks().watermarks()).isEqualTo(Map.of(1, 30L, 2, 5L));
    second.replyTo().tell(Done.getInstance());
    acks.sendComplete();
    replicator.expectNoMessage(INTERVAL.multipliedBy(2)); // nothing left over
  }
}
