package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.assertAccepted;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.assertRefused;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.model.entry.JournalEntry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request limits, the in-flight bound, the bearer token, and a closed journal, against a real node. */
class IngestLimitsTest {
  private static final String TOKEN = "s3cret-token";

  @TempDir
  static Path dir;
  private static IngestTestNode node;
  private static URI limited;
  private static URI guarded;

  @BeforeAll
  static void start() throws Exception {
    node = IngestTestNode.start(dir);
    limited = node.listen(Map.of("max-entries-per-request", 5, "max-request-bytes", "4 KiB",
        "max-in-flight-appends", 1));
    guarded = node.listen(Map.of("token", TOKEN));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void batchOverTheEntryLimitIsRefusedNamingItsFirstEntry() throws Exception {
    assertRefused(node.postJson(limited, entries(1, 1, 6)), 400, "BATCH_TOO_LARGE", 1, 1L);
    assertRefused(node.postBinary(limited, entries(1, 1, 6)), 400, "BATCH_TOO_LARGE", 1, 1L);
    assertThat(node.heads()).doesNotContainKey(1);
    assertAccepted(node.postBinary(limited, entries(1, 1, 5)), 5, 0, Map.of(1, 5L));
  }

  @Test
  void bodyOverTheByteLimitIs413WhetherDeclaredOrStreamed() throws Exception {
    byte[] big = new byte[8 * 1024];
    assertRefused(node.post(limited, BinaryBatch.MEDIA_TYPE, big, null), 413, "REQUEST_TOO_LARGE", null, null);
    HttpRequest chunked = HttpRequest.newBuilder(limited.resolve("/journal/entries"))
        .header("Content-Type", BinaryBatch.MEDIA_TYPE)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
        .build();
    HttpResponse<String> response = node.http.send(chunked, HttpResponse.BodyHandlers.ofString());
    assertRefused(response, 413, "REQUEST_TOO_LARGE", null, null);
  }

  @Test
  void appendsBeyondTheInFlightLimitAreAskedToRetry() throws Exception {
    GatedJournal gated = new GatedJournal(node.node.journal());
    URI one = node.listen(Map.of("max-in-flight-appends", 1), gated);
    gated.hold();
    // the only permit is taken once the first body has arrived, and held while the journal works on it
    CompletableFuture<HttpResponse<String>> first = postJsonMeanwhile(one, entries(2, 1, 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> gated.waiting() == 1);
    HttpResponse<String> busy = node.postJson(one, entries(2, 4, 4));
    assertRefused(busy, 503, "BUSY", null, null);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");

    gated.release();
    assertAccepted(first.get(10, TimeUnit.SECONDS), 3, 0, Map.of(2, 3L));
    assertAccepted(node.postJson(one, entries(2, 4, 4)), 1, 0, Map.of(2, 4L));
  }

  /** Stopping a listener unbinds it; a request it is serving still gets its answer, not a dropped connection. */
  @Test
  void aRequestInFlightIsAnsweredAfterItsListenerStops() throws Exception {
    GatedJournal gated = new GatedJournal(node.node.journal());
    URI stopping = node.listen(Map.of(), gated);
    IngestServer server = node.lastServer();
    gated.hold();
    CompletableFuture<HttpResponse<String>> inFlight = postJsonMeanwhile(stopping, entries(7, 1, 10));
    await().atMost(Duration.ofSeconds(10)).until(() -> gated.waiting() == 1);
    server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gated.release();
    assertAccepted(inFlight.get(10, TimeUnit.SECONDS), 10, 0, Map.of(7, 10L));
  }

  /** POSTs on another thread, so that the test can act while the request waits for the journal. */
  private static CompletableFuture<HttpResponse<String>> postJsonMeanwhile(URI to, List<JournalEntry> batch) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return node.postJson(to, batch);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  @Test
  void withATokenEveryRouteNeedsIt() throws Exception {
    byte[] body = BinaryBatch.encode(entries(3, 1, 2));
    HttpResponse<String> missing = node.post(guarded, BinaryBatch.MEDIA_TYPE, body, null);
    assertRefused(missing, 401, "UNAUTHORIZED", null, null);
    assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("Bearer"));
    assertRefused(node.post(guarded, BinaryBatch.MEDIA_TYPE, body, "wrong"), 401, "UNAUTHORIZED", null, null);
    assertRefused(node.get(guarded, "/journal/heads", null), 401, "UNAUTHORIZED", null, null);
    assertThat(node.heads()).doesNotContainKey(3);

    assertAccepted(node.post(guarded, BinaryBatch.MEDIA_TYPE, body, TOKEN), 2, 0, Map.of(3, 2L));
    assertThat(node.get(guarded, "/journal/heads", TOKEN).statusCode()).isEqualTo(200);
    URI stream = URI.create("ws://127.0.0.1:" + guarded.getPort() + "/journal/stream");
    WebSocket.Listener ignore = new WebSocket.Listener() { };
    CompletionException refused = catchThrowableOfType(CompletionException.class,
        () -> node.http.newWebSocketBuilder().buildAsync(stream, ignore).join());
    assertThat(refused.getCause()).isInstanceOfSatisfying(WebSocketHandshakeException.class,
        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    node.http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN).buildAsync(stream, ignore)
        .join().sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  void withoutATokenNoneIsAsked() throws Exception {
    assertAccepted(node.postBinary(limited, entries(4, 1, 1)), 1, 0, Map.of(4, 1L));
    assertThat(node.get(limited, "/journal/heads", "anything").statusCode()).isEqualTo(200);
  }

  @Test
  void aClosedJournalAsksToRetryElsewhereAndWritesNothing(@TempDir Path own) throws Exception {
    try (IngestTestNode closing = IngestTestNode.start(own)) {
      URI ingest = closing.listen(Map.of());
      assertAccepted(closing.postJson(ingest, entries(1, 1, 1)), 1, 0, Map.of(1, 1L));
      closing.node.journal().close();
      HttpResponse<String> response = closing.postJson(ingest, entries(1, 2, 2));
      assertRefused(response, 503, "CLOSED", 1, 2L);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }
  }
}
