package io.cfs.repl.transport.link;

import static io.cfs.repl.transport.link.LinkTestSupport.await;
import static io.cfs.repl.transport.link.LinkTestSupport.bind;
import static io.cfs.repl.transport.link.LinkTestSupport.failure;
import static io.cfs.repl.transport.link.LinkTestSupport.settings;
import static io.cfs.repl.transport.link.LinkTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class SiteLinkHandshakeTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LinkSettings SETTINGS = settings("");

  private final List<Handshake> hellos = new CopyOnWriteArrayList<>();
  private final RecordingMetrics serverMetrics = new RecordingMetrics();
  private final InetSocketAddress siteB = bind(testKit.system(), SETTINGS, "site-b", hello -> {
    hellos.add(hello);
    if (!hello.fromSite().startsWith("site-")) {
      throw new HandshakeRejectedException(Reason.UNKNOWN_SITE, hello.fromSite() + " is not a peer of site-b");
    }
    return Flow.create();
  }, serverMetrics);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void acceptedLinkCompletesWithTheServersAckAndCarriesFrames() {
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run =
        run(SETTINGS, "site-a", "site-b", List.of(text("one"), text("two")));

    assertEquals(new Handshake(4, "site-b", "site-a"), await(run.first()));
    assertEquals(List.of(text("one"), text("two")), await(run.second()));
    assertEquals(List.of(new Handshake(4, "site-a", "site-b")), hellos);
  }

  @Test
  void aControlLinkReachesTheHandlerAsControlAndItsAckSaysSo() {
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run = Source.single(text("beat"))
        .viaMat(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", siteB, LinkMetrics.NONE,
            Handshake.Channel.CONTROL).mapMaterializedValue(s -> s.thenApply(LinkSession::handshake)), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(testKit.system());

    assertEquals(new Handshake(4, "site-b", "site-a", Handshake.Channel.CONTROL), await(run.first()));
    assertEquals(List.of(text("beat")), await(run.second()));
    assertEquals(List.of(new Handshake(4, "site-a", "site-b", Handshake.Channel.CONTROL)), hellos);
  }

  @Test
  void framesOfferedBeforeTheAckAreHeldThenSent() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run = run(SETTINGS, "site-a", "site-b",
          new InetSocketAddress(fake.getInetAddress(), fake.getLocalPort()), List.of(text("early")));
      try (Socket server = fake.accept()) {
        server.setSoTimeout(5000);
        InputStream in = server.getInputStream();
        assertEquals(new Handshake(4, "site-a", "site-b"),
            HandshakeCodec.readHello(ByteString.fromArrayUnsafe(RawSocket.readFrame(in))));
        server.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, in::read, "nothing may follow the hello before the ack");

        server.setSoTimeout(5000);
        Handshake ack = new Handshake(4, "site-b", "site-a");
        server.getOutputStream().write(RawSocket.framed(HandshakeCodec.ack(ack).toArray()));
        assertEquals(text("early"),
            new FrameCodec(SETTINGS).decode(ByteString.fromArrayUnsafe(RawSocket.readFrame(in))));
        assertEquals(ack, await(run.first()));
      }
      assertEquals(List.of(), await(run.second()));
    }
  }

  @Test
  void unknownSiteIsRejectedWithTheHandlersMessage() {
    HandshakeRejectedException e = assertRejected(SETTINGS, "rogue", "site-b", Reason.UNKNOWN_SITE);
    assertEquals("rogue is not a peer of site-b", e.detail());
  }

  @Test
  void wrongTargetSiteIsRejectedBeforeTheHandler() {
    assertRejected(SETTINGS, "site-a", "site-c", Reason.WRONG_TARGET_SITE);
    assertTrue(hellos.isEmpty(), "handler must not be asked: " + hellos);
  }

  @Test
  void otherProtocolVersionIsRejectedBeforeTheHandler() {
    assertRejected(settings("protocol-version = 1"), "site-a", "site-b", Reason.PROTOCOL_VERSION);
    assertTrue(hellos.isEmpty(), "handler must not be asked: " + hellos);
  }

  @Test
  void serverThatNeverAnswersFailsTheClientAfterTheHandshakeTimeout() throws Exception {
    // Accepts connections (the kernel's backlog does) but never speaks.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run = run(SETTINGS, "site-a", "site-b",
          new InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()), List.of(text("held")));
      Throwable t = failure(run.first(), Duration.ofSeconds(5));
      assertInstanceOf(TimeoutException.class, t);
      failure(run.second(), Duration.ofSeconds(1));
    }
  }

  @Test
  void clientFailsWithinTheConnectTimeoutWhenTheServerIsDown() throws Exception {
    InetSocketAddress closed;
    try (ServerSocket released = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = new InetSocketAddress(released.getInetAddress(), released.getLocalPort());
    }
    long start = System.nanoTime();
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run =
        run(SETTINGS, "site-a", "site-b", closed, List.of(text("held")));

    Throwable t = failure(run.first(), SETTINGS.connectTimeout().plusMillis(500));
    assertInstanceOf(StreamTcpException.class, t);
    failure(run.second(), Duration.ofSeconds(1));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(SETTINGS.connectTimeout().plusMillis(500)) < 0);
  }

  private HandshakeRejectedException assertRejected(LinkSettings client, String from, String to, Reason reason) {
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run =
        run(client, from, to, List.of(text("never delivered")));

    HandshakeRejectedException e =
        assertInstanceOf(HandshakeRejectedException.class, failure(run.first(), Duration.ofSeconds(5)));
    assertEquals(reason, e.reason());
    // The flow itself fails too, so whoever runs it notices and backs off.
    assertInstanceOf(HandshakeRejectedException.class, failure(run.second(), Duration.ofSeconds(5)));
    assertEquals(List.of(reason), serverMetrics.rejections);
    assertEquals(0, serverMetrics.framesReceived.get());
    return e;
  }

  private Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run(LinkSettings client, String from,
      String to, List<ByteString> frames) {
    return run(client, from, to, siteB, frames);
  }

  private Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run(LinkSettings client, String from,
      String to, InetSocketAddress address, List<ByteString> frames) {
    return Source.from(frames)
        .viaMat(SiteLinkClient.connect(testKit.system(), client, LinkSecurity.PLAIN, from, to, address, LinkMetrics.NONE)
            .mapMaterializedValue(s -> s.thenApply(LinkSession::handshake)), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(testKit.system());
  }
}
