package io.cfs.repl.transport.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The stage in a running stream: it follows a rate change without being rematerialized. */
class ThrottleStageTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void liftingTheLimitReleasesAWaitingFrameAndTheRestAtOnce() {
    // 100 frames of 1,000 bytes at 1,000 B/s would take 100 s
    WireThrottle throttle = new WireThrottle(1_000, Duration.ofMillis(100));
    AtomicLong received = new AtomicLong();
    CompletionStage<Done> done = Source.range(1, 100).map(i -> ByteString.fromArray(new byte[1_000]))
        .via(throttle.flow(ByteString::size, Duration.ofMinutes(5)))
        .runWith(Sink.foreach(frame -> received.incrementAndGet()), testKit.system());
    await().atMost(5, TimeUnit.SECONDS).until(() -> received.get() >= 1);
    assertThat(received.get()).as("held by the throttle").isLessThan(10);
    throttle.set(WireThrottle.UNLIMITED);
    await().atMost(5, TimeUnit.SECONDS).until(() -> done.toCompletableFuture().isDone());
    assertThat(received.get()).isEqualTo(100);
    assertThat(throttle.bytesPassed()).isEqualTo(100_000);
  }

  /**
   * Frames far larger than the rate allows within the link's idle timeout (10,000-byte frames at 1,000 B/s: 10 s each)
   * go after at most the maximum wait (300 ms), so the link keeps sending instead of falling silent and failing.
   */
  @Test
  void noFrameWaitsLongerThanTheMaximumWait() {
    WireThrottle throttle = new WireThrottle(1_000, Duration.ofMillis(100));
    long start = System.nanoTime();
    CompletionStage<Done> done = Source.range(1, 5).map(i -> ByteString.fromArray(new byte[10_000]))
        .via(throttle.flow(ByteString::size, Duration.ofMillis(300)))
        .runWith(Sink.ignore(), testKit.system());

    await().atMost(10, TimeUnit.SECONDS).until(() -> done.toCompletableFuture().isDone());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(millis).as("5 frames, the first at once, each next within 300 ms (not 10 s)").isLessThan(5_000);
    assertThat(millis).as("each held its maximum wait").isGreaterThanOrEqualTo(4 * 300 - 50);
  }
}
