package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.entries;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.wire.BinaryBatch;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /journal/stream: binary batches in, ordered JSON answers out, over the JDK's WebSocket client. */
class IngestStreamTest {
  private static final int BATCHES = 50;
  private static final int PER_BATCH = 40;

  @TempDir
  static Path dir;
  private static IngestTestNode node;
  private static URI stream;

  @BeforeAll
  static void start() throws Exception {
    node = IngestTestNode.start(dir);
    URI ingest = node.listen(Map.of("max-request-bytes", "64 KiB"));
    stream = URI.create("ws://127.0.0.1:" + ingest.getPort() + "/journal/stream");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /**
   * Collects whole text messages, then how the socket ended (close or error), in arrival order, so the test can wait
   * for each with a timeout and an answer that will never come fails at once, naming the close.
   */
  static final class Answers implements WebSocket.Listener {
    private static final String ENDED = "";
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Void> pong = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile String end;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      pong.complete(null);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      ended("closed " + statusCode + " " + reason);
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      ended("failed: " + error);
      closed.completeExceptionally(error);
    }

    private void ended(String how) {
      end = how;
      texts.add(ENDED);
    }

    JsonNode next() throws Exception {
      String text = texts.poll(30, TimeUnit.SECONDS);
      assertThat(text).as("an answer within 30 s").isNotNull();
      assertThat(text).as("an answer before the socket ended (%s)", end).isNotEqualTo(ENDED);
      return json(text);
    }
  }

  private static WebSocket connect(Answers answers) {
    return node.http.newWebSocketBuilder().buildAsync(stream, answers).join();
  }

  @Test
  void fiftyPipelinedBatchesAreAnsweredInOrderOnceDurable() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(ws);
    for (int b = 0; b < BATCHES; b++) {
      ByteBuffer batch = ByteBuffer.wrap(BinaryBatch.encode(entries(1, b * PER_BATCH + 1L, (b + 1L) * PER_BATCH)));
      sending = sending.thenCompose(s -> s.sendBinary(batch, true));
    }
    sending.get(30, TimeUnit.SECONDS);
    for (int b = 0; b < BATCHES; b++) {
      JsonNode answer = answers.next();
      assertThat(answer.path("batch").asLong()).as(answer.toString()).isEqualTo(b);
      assertThat(answer.path("written").asInt()).isEqualTo(PER_BATCH);
      assertThat(answer.path("duplicates").asInt()).isZero();
      assertThat(answer.path("heads").path("1").asLong()).isEqualTo((b + 1L) * PER_BATCH);
    }
    assertThat(node.heads().get(1)).isEqualTo((long) BATCHES * PER_BATCH);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBatchSplitOverFramesIsCollectedWhole() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    byte[] batch = BinaryBatch.encode(entries(2, 1, 30));
    int half = batch.length / 2;
    ws.sendBinary(ByteBuffer.wrap(batch, 0, half), false)
        .thenCompose(s -> s.sendBinary(ByteBuffer.wrap(batch, half, batch.length - half), true))
        .get(10, TimeUnit.SECONDS);
    JsonNode answer = answers.next();
    assertThat(answer.path("written").asInt()).as(answer.toString()).isEqualTo(30);
    assertThat(answer.path("batch").asLong()).isZero();
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRefusedBatchIsAnsweredWithItsErrorAndTheStreamCloses() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    ws.sendBinary(ByteBuffer.wrap(BinaryBatch.encode(entries(3, 1, 10))), true)
        .thenCompose(s -> s.sendBinary(ByteBuffer.wrap(BinaryBatch.encode(entries(3, 12, 20))), true))
        .get(10, TimeUnit.SECONDS);
    assertThat(answers.next().path("written").asInt()).isEqualTo(10);
    JsonNode error = answers.next();
    assertThat(error.path("error").asText()).as(error.toString()).isEqualTo("GAP");
    assertThat(error.path("shard").asInt()).isEqualTo(3);
    assertThat(error.path("seq").asLong()).isEqualTo(12);
    assertThat(error.path("batch").asLong()).isEqualTo(1);
    assertThat(answers.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    assertThat(node.heads().get(3)).isEqualTo(10);
  }

  @Test
  void aBatchOnAFencedSiteIsAnsweredFencedWithThePrimaryAndTheEpochAndTheStreamCloses() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    ws.sendBinary(ByteBuffer.wrap(BinaryBatch.encode(entries(6, 1, 5))), true).get(10, TimeUnit.SECONDS);
    assertThat(answers.next().path("written").asInt()).isEqualTo(5);
    node.fence("site-b", 3);
    try {
      ws.sendBinary(ByteBuffer.wrap(BinaryBatch.encode(entries(6, 6, 9))), true).get(10, TimeUnit.SECONDS);
      JsonNode error = answers.next();
      assertThat(error.path("error").asText()).as(error.toString()).isEqualTo("FENCED");
      assertThat(error.path("primary").asText()).isEqualTo("site-b");
      assertThat(error.path("epoch").asLong()).isEqualTo(3);
      assertThat(error.path("batch").asLong()).isEqualTo(1);
      assertThat(error.get("shard").isNull()).isTrue();
      assertThat(answers.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
      assertThat(node.heads().get(6)).isEqualTo(5);
    } finally {
      node.unfence();
    }
  }

  @Test
  void aMessageOverMaxRequestBytesEndsTheStream() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    ws.sendBinary(ByteBuffer.wrap(new byte[40 * 1024]), false)
        .thenCompose(s -> s.sendBinary(ByteBuffer.wrap(new byte[40 * 1024]), true))
        .get(10, TimeUnit.SECONDS);
    JsonNode error = answers.next();
    assertThat(error.path("error").asText()).as(error.toString()).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(error.path("batch").asLong()).isZero();
    assertThat(answers.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
  }

  /**
   * The server has read past max-request-bytes while the message is still open: a ping sent after the oversized
   * fragment is answered only once the server has read that fragment. Cancelling the message's data there failed
   * the whole socket (closed 1011, no answer) in most runs; reading the message to its end answers it every time.
   */
  @Test
  void aMessageStillOpenOverMaxRequestBytesIsAnsweredOnceItEnds() throws Exception {
    Map<Integer, Long> heads = node.heads();
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    ws.sendBinary(ByteBuffer.wrap(new byte[70 * 1024]), false)
        .thenCompose(s -> s.sendPing(ByteBuffer.allocate(0)))
        .get(10, TimeUnit.SECONDS);
    CompletableFuture.anyOf(answers.pong, answers.closed).get(10, TimeUnit.SECONDS);
    assertThat(answers.closed).as("the socket still open mid-message").isNotDone();
    ws.sendBinary(ByteBuffer.wrap(new byte[1]), true).get(10, TimeUnit.SECONDS);
    JsonNode error = answers.next();
    assertThat(error.path("error").asText()).as(error.toString()).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(error.path("batch").asLong()).isZero();
    assertThat(answers.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    assertThat(node.heads()).isEqualTo(heads);
  }

  @Test
  void aTextMessageIsMalformed() throws Exception {
    Answers answers = new Answers();
    WebSocket ws = connect(answers);
    ws.sendText("{\"entries\":[]}", true).get(10, TimeUnit.SECONDS);
    assertThat(answers.next().path("error").asText()).isEqualTo("MALFORMED");
    assertThat(answers.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
  }
}
