package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.wire.BinaryBatch;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal that stalls (RocksDB stopping writes while its flushes catch up, a slow disk, PostgreSQL failing over)
 * slows an ingest stream down and refuses nothing. Pekko cancels a message's data that nobody reads within the
 * materializer's subscription timeout; the node here runs it at one second so that the stall outlasts it quickly.
 */
class IngestStallTest {
  private static final int BATCHES = 24;
  private static final int PER_BATCH = 200;

  @TempDir
  Path dir;

  @Test
  void streamedBatchesWaitingLongerThanTheSubscriptionTimeoutAreAllWritten() throws Exception {
    try (IngestTestNode node = IngestTestNode.start(dir,
        Map.of("pekko.stream.materializer.subscription-timeout.timeout", "1s"))) {
      GatedJournal gated = new GatedJournal(node.node.journal());
      URI ingest = node.listen(Map.of(), gated);
      IngestStreamTest.Answers answers = new IngestStreamTest.Answers();
      WebSocket ws = node.http.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + ingest.getPort() + "/journal/stream"), answers).join();
      gated.hold();
      // each batch in two frames, so that each reaches the server as a streamed message, as large batches do
      CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(ws);
      for (int b = 0; b < BATCHES; b++) {
        byte[] batch = BinaryBatch.encode(entries(1, b * PER_BATCH + 1L, (b + 1L) * PER_BATCH));
        int half = batch.length / 2;
        sending = sending.thenCompose(s -> s.sendBinary(ByteBuffer.wrap(batch, 0, half), false))
            .thenCompose(s -> s.sendBinary(ByteBuffer.wrap(batch, half, batch.length - half), true));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> gated.waiting() > 0);
      // the stall outlasts the subscription timeout three times over; the refusal, if any, comes within it
      assertThat(answers.texts.poll(3, TimeUnit.SECONDS)).as("no answer while the journal stalls").isNull();
      gated.release();
      sending.get(30, TimeUnit.SECONDS);
      for (int b = 0; b < BATCHES; b++) {
        JsonNode answer = answers.next();
        assertThat(answer.path("error").isMissingNode()).as(answer.toString()).isTrue();
        assertThat(answer.path("batch").asLong()).isEqualTo(b);
        assertThat(answer.path("written").asInt()).isEqualTo(PER_BATCH);
      }
      assertThat(node.heads().get(1)).isEqualTo((long) BATCHES * PER_BATCH);
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
  }
}
