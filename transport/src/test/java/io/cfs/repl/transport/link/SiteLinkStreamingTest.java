package io.cfs.repl.transport.link;

import static io.cfs.repl.transport.link.LinkTestSupport.await;
import static io.cfs.repl.transport.link.LinkTestSupport.bind;
import static io.cfs.repl.transport.link.LinkTestSupport.echo;
import static io.cfs.repl.transport.link.LinkTestSupport.failure;
import static io.cfs.repl.transport.link.LinkTestSupport.settings;
import static io.cfs.repl.transport.link.LinkTestSupport.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class SiteLinkStreamingTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LinkSettings SETTINGS = settings("");
  private static final int FRAMES = 10_000;
  private static final byte[] NOISE = new byte[4092];

  static {
    new Random(7).nextBytes(NOISE);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void echoesTenThousandFramesInOrderAndBackpressuresTheSenderWhileTheHandlerIsStalled() {
    CompletableFuture<Done> handlerMayProceed = new CompletableFuture<>();
    RecordingMetrics serverMetrics = new RecordingMetrics();
    RecordingMetrics clientMetrics = new RecordingMetrics();
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", hello -> Flow.<ByteString>create()
        .mapAsync(1, frame -> handlerMayProceed.thenApply(go -> frame)), serverMetrics);

    AtomicInteger emitted = new AtomicInteger();
    CompletionStage<List<ByteString>> echoed = Source.range(0, FRAMES - 1)
        .map(i -> {
          emitted.incrementAndGet();
          return frame(i);
        })
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, clientMetrics))
        .runWith(Sink.seq(), testKit.system());

    // 40 MB of frames against a stalled handler: the sender must be held back, not buffer them all.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> emitted.get() < FRAMES);
    assertTrue(emitted.get() > 0, "the link never started");
    handlerMayProceed.complete(Done.getInstance());

    List<ByteString> received = await(echoed);
    assertEquals(FRAMES, received.size());
    for (int i = 0; i < FRAMES; i++) {
      assertEquals(frame(i), received.get(i), "frame " + i);
    }
    assertEquals(FRAMES, clientMetrics.framesSent.get());
    assertEquals(FRAMES, clientMetrics.framesReceived.get());
    assertEquals(FRAMES, serverMetrics.framesReceived.get());
    assertEquals(FRAMES, serverMetrics.framesSent.get());
  }

  @Test
  void clientHalfCloseStillDeliversTheServersLastFrame() {
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", hello -> Flow.<ByteString>create()
        .fold(0, (count, frame) -> count + 1)
        .map(count -> text("received " + count)), LinkMetrics.NONE);

    List<ByteString> replies = await(Source.from(List.of(text("1"), text("2"), text("3")))
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE))
        .runWith(Sink.seq(), testKit.system()));

    assertEquals(List.of(text("received 3")), replies);
  }

  @Test
  void serverEndingTheConversationCompletesTheClientFlow() {
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", hello -> Flow.<ByteString>create().take(1),
        LinkMetrics.NONE);

    // The client's input never completes: only the server's close can end this flow.
    List<ByteString> replies = await(Source.single(text("only one")).concat(Source.maybe())
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE))
        .runWith(Sink.seq(), testKit.system()));

    assertEquals(List.of(text("only one")), replies);
  }

  @Test
  void idleLinkFails() {
    LinkSettings impatient = settings("idle-timeout = 300ms");
    // only the client is impatient: with both at 300 ms, whichever timer fired first decided whether the client saw its
    // own timeout or the server's reset
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", echo(), LinkMetrics.NONE);

    CompletionStage<Done> link = Source.<ByteString>maybe()
        .via(SiteLinkClient.connect(testKit.system(), impatient, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE))
        .runWith(Sink.ignore(), testKit.system());

    assertInstanceOf(TimeoutException.class, failure(link, Duration.ofSeconds(5)));
  }

  @Test
  void oversizedFrameFailsOnlyItsOwnConnection() {
    AtomicInteger delivered = new AtomicInteger();
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", hello -> Flow.<ByteString>create()
        .map(frame -> {
          delivered.incrementAndGet();
          return frame;
        }), LinkMetrics.NONE);
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> healthy = TestSource.<ByteString>probe(
            testKit.system().classicSystem())
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-c", "site-b", server, LinkMetrics.NONE))
        .toMat(TestSink.probe(testKit.system().classicSystem()), Keep.both())
        .run(testKit.system());
    healthy.second().request(2);
    healthy.first().sendNext(text("before"));
    healthy.second().expectNext(text("before"));

    // A sender allowed bigger frames than the server accepts.
    LinkSettings generous = settings("max-frame-bytes = 1 MiB");
    LoggingTestKit.error("failed on a bad frame").expect(testKit.system(), () -> {
      CompletionStage<Done> oversized = Source.single(FrameCodecTest.random(100_000)).concat(Source.maybe())
          .via(SiteLinkClient.connect(testKit.system(), generous, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE))
          .runWith(Sink.ignore(), testKit.system());
      return oversized.toCompletableFuture().handle((done, failure) -> done).join();
    });
    assertEquals(1, delivered.get(), "the oversized frame must not reach the handler");

    healthy.first().sendNext(text("after"));
    healthy.second().expectNext(text("after"));
    assertEquals(2, delivered.get());
    healthy.first().sendComplete();
    healthy.second().expectComplete();
  }

  @Test
  void helloWithBadMagicIsRejectedAsMalformedAndTheServerKeepsServing() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", echo(), metrics);

    byte[] reply = RawSocket.exchange(server, RawSocket.framed("GET / HTTP/1.1 - not a cfs-repl hello".getBytes()));

    ByteString frame = ByteString.fromArrayUnsafe(reply);
    assertEquals(frame.size() - 4, frame.asByteBuffer().getInt(), "one length-prefixed frame, then EOF");
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
        () -> HandshakeCodec.readReply(frame.drop(4)));
    assertEquals(HandshakeRejectedException.Reason.MALFORMED, e.reason());
    assertEquals(List.of(HandshakeRejectedException.Reason.MALFORMED), metrics.rejections);
    assertServes(server);
  }

  @Test
  void unframedGarbageClosesTheConnectionAndTheServerKeepsServing() throws Exception {
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", echo(), LinkMetrics.NONE);

    // "GET " read as a length is about 1.2 GB: refused from the header, nothing is answered.
    byte[] reply = RawSocket.exchange(server, "GET / HTTP/1.1\r\nHost: site-b\r\n\r\n".getBytes());

    assertEquals(0, reply.length);
    assertServes(server);
  }

  @Test
  void clientThatNeverSaysHelloIsDroppedAfterTheHandshakeTimeout() throws Exception {
    InetSocketAddress server = bind(testKit.system(), SETTINGS, "site-b", echo(), LinkMetrics.NONE);

    long start = System.nanoTime();
    byte[] reply = RawSocket.exchange(server, new byte[0]);

    assertEquals(0, reply.length);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(SETTINGS.handshakeTimeout()) >= 0);
    assertServes(server);
  }

  private static void assertServes(InetSocketAddress server) {
    List<ByteString> echoed = await(Source.single(text("still there?"))
        .via(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", server, LinkMetrics.NONE))
        .runWith(Sink.seq(), testKit.system()));
    assertEquals(List.of(text("still there?")), echoed);
  }

  /** Frame i: its index, then 4 KiB of noise, or of zeros for every tenth frame so compression is exercised. */
  private static ByteString frame(int i) {
    ByteBuffer b = ByteBuffer.allocate(4 + NOISE.length).putInt(i);
    if (i % 10 != 0) {
      b.put(NOISE);
    }
    return ByteString.fromArrayUnsafe(b.array());
  }
}
