package io.cfs.repl.transport.link;

import static io.cfs.repl.transport.link.LinkTestSupport.await;
import static io.cfs.repl.transport.link.LinkTestSupport.bind;
import static io.cfs.repl.transport.link.LinkTestSupport.echo;
import static io.cfs.repl.transport.link.LinkTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.transport.throttle.WireThrottle;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A throttled client link over real TCP: the throttle counts the bytes on the wire (after compression, prefix and
 * header included) and holds only the outgoing frames. Each case would take minutes if it counted the wrong bytes or
 * held the wrong direction, and finishes within the await's 10 s when it does not.
 */
class ThrottledLinkTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LinkSettings SETTINGS = settings("");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void theThrottleCountsCompressedFramesAsTheyGoOnTheWire() {
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", echo(), LinkMetrics.NONE);
    RecordingMetrics client = new RecordingMetrics();
    WireThrottle throttle = new WireThrottle(4_000, Duration.ofMillis(100));
    // 20 frames of 16 KiB of zeros: 320 KiB, 80 s at 4,000 B/s if raw bytes were counted; a few hundred on the wire
    List<ByteString> echoed = await(Source.range(1, 20).map(i -> ByteString.fromArray(new byte[16 * 1024]))
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, client, throttle))
        .take(20)
        .runWith(Sink.seq(), testKit.system()));

    assertThat(echoed).hasSize(20).allSatisfy(frame -> assertThat(frame.size()).isEqualTo(16 * 1024));
    assertThat(throttle.bytesPassed()).as("wire bytes of the frames, length prefix and header included")
        .isEqualTo(client.wireBytesSent.get())
        .isLessThan(20 * 16 * 1024 / 10);
  }

  @Test
  void framesFromThePeerAreNotHeld() {
    byte[] noise = new byte[60 * 1024];
    new Random(7).nextBytes(noise); // incompressible: 60 KiB on the wire per reply
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b",
        hello -> Flow.<ByteString>create().map(frame -> ByteString.fromArray(noise)), LinkMetrics.NONE);
    WireThrottle throttle = new WireThrottle(1_000, Duration.ofMillis(100));
    // three small frames out, 180 KiB back: three minutes at 1,000 B/s if the replies were held too
    List<ByteString> replies = await(Source.range(1, 3).map(i -> ByteString.fromString("ping " + i))
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE,
            throttle))
        .take(3)
        .runWith(Sink.seq(), testKit.system()));

    assertThat(replies).hasSize(3).allSatisfy(reply -> assertThat(reply.size()).isEqualTo(noise.length));
    assertThat(throttle.bytesPassed()).isLessThan(100);
  }
}
