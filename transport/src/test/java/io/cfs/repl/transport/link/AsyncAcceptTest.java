package io.cfs.repl.transport.link;

import static io.cfs.repl.transport.link.LinkTestSupport.await;
import static io.cfs.repl.transport.link.LinkTestSupport.bind;
import static io.cfs.repl.transport.link.LinkTestSupport.failure;
import static io.cfs.repl.transport.link.LinkTestSupport.settings;
import static io.cfs.repl.transport.link.LinkTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import io.cfs.repl.transport.throttle.WireThrottle;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A handler that decides off the stream thread ({@link LinkHandler#acceptAsync}), as a receiver that asks its store
 * about the sender's journal incarnation does: the ack waits for the decision, and a refusal decided later reaches
 * the client with its reason, having delivered nothing.
 */
class AsyncAcceptTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LinkSettings SETTINGS = settings("");
  private static final UUID KNOWN = UUID.randomUUID();
  private static final ExecutorService storage = Executors.newSingleThreadExecutor();

  private final RecordingMetrics serverMetrics = new RecordingMetrics();
  private final InetSocketAddress siteB = bind(testKit.system(), SETTINGS, "site-b", new LinkHandler() {
    @Override
    public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
      throw new AssertionError("the server must ask acceptAsync");
    }

    @Override
    public CompletionStage<Flow<ByteString, ByteString, NotUsed>> acceptAsync(Handshake hello) {
      return CompletableFuture.supplyAsync(() -> {
        if (!hello.incarnation().equals(Optional.of(KNOWN))) {
          throw new HandshakeRejectedException(Reason.INCARNATION_MISMATCH, "site-b applied incarnation " + KNOWN
              + " of " + hello.fromSite() + ", not " + hello.incarnation().orElse(null));
        }
        return Flow.create();
      }, storage);
    }
  }, serverMetrics);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    storage.shutdownNow();
  }

  @Test
  void theKnownIncarnationIsAcceptedAfterTheDecisionAndCarriesFrames() {
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run = run(KNOWN);
    assertEquals(new Handshake(4, "site-b", "site-a"), await(run.first()));
    assertEquals(List.of(text("one"), text("two")), await(run.second()));
  }

  @Test
  void anotherIncarnationIsRefusedWithItsReasonAndNothingIsDelivered() {
    UUID other = UUID.randomUUID();
    Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run = run(other);
    HandshakeRejectedException e =
        assertInstanceOf(HandshakeRejectedException.class, failure(run.first(), Duration.ofSeconds(5)));
    assertEquals(Reason.INCARNATION_MISMATCH, e.reason());
    assertEquals("site-b applied incarnation " + KNOWN + " of site-a, not " + other, e.detail());
    assertInstanceOf(HandshakeRejectedException.class, failure(run.second(), Duration.ofSeconds(5)));
    assertEquals(List.of(Reason.INCARNATION_MISMATCH), serverMetrics.rejections);
    assertEquals(0, serverMetrics.framesReceived.get());
  }

  private Pair<CompletionStage<Handshake>, CompletionStage<List<ByteString>>> run(UUID incarnation) {
    return Source.from(List.of(text("one"), text("two")))
        .viaMat(SiteLinkClient.connect(testKit.system(), SETTINGS, LinkSecurity.PLAIN, "site-a", "site-b", siteB,
            LinkMetrics.NONE, incarnation, WireThrottle.unlimited())
            .mapMaterializedValue(s -> s.thenApply(LinkSession::handshake)), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(testKit.system());
  }
}
