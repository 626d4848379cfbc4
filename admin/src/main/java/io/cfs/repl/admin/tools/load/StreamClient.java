package io.cfs.repl.admin.tools.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.model.entry.JournalEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Sends binary batches over {@code /journal/stream}. The node answers batches in the order they were sent, so each
 * answer settles the oldest batch still waiting. The JDK WebSocket allows one send at a time: each send starts when
 * the previous one has been handed to TCP, so a node that reads slowly slows the sender.
 */
final class StreamClient implements IngestClient, WebSocket.Listener {
  private final Deque<CompletableFuture<IngestResponse>> awaiting = new ArrayDeque<>(); // guarded by this
  private final StringBuilder partial = new StringBuilder(); // listener thread only
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null); // guarded by this
  private Throwable broken; // guarded by this
  private WebSocket socket;

  private StreamClient() {
  }

  static StreamClient connect(HttpClient http, URI node, String token) {
    StreamClient client = new StreamClient();
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (!token.isEmpty()) builder.header("Authorization", "Bearer " + token);
    URI ws = URI.create(node.toString().replaceFirst("^http", "ws")).resolve("/journal/stream");
    client.socket = builder.buildAsync(ws, client).join();
    return client;
  }

  @Override
  public synchronized CompletableFuture<IngestResponse> send(List<JournalEntry> batch) {
    CompletableFuture<IngestResponse> ack = new CompletableFuture<>();
    if (broken != null) {
      ack.completeExceptionally(broken);
      return ack;
    }
    ByteBuffer bytes = ByteBuffer.wrap(BinaryBatch.encode(batch));
    awaiting.add(ack);
    sending = sending.thenCompose(previous -> socket.sendBinary(bytes, true));
    sending.whenComplete((sent, failure) -> {
      if (failure != null) failAll(failure);
    });
    return ack;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String json = partial.toString();
      partial.setLength(0);
      settle(json);
    }
    webSocket.request(1);
    return null;
  }

  private void settle(String json) {
    CompletableFuture<IngestResponse> ack;
    synchronized (this) {
      ack = awaiting.poll();
    }
    try {
      JsonNode answer = IngestJson.MAPPER.readTree(json);
      if (answer.has("error")) {
        IllegalStateException refused = new IllegalStateException("node refused the batch: " + json);
        failAll(refused); // first, so that a caller woken below cannot send another batch into a broken stream
        // the refused batch's own answer was taken off the queue above: settle it too, or its caller waits forever
        if (ack != null) ack.completeExceptionally(refused);
      } else if (ack != null) {
        ack.complete(IngestJson.MAPPER.treeToValue(answer, IngestResponse.class));
      }
    } catch (JsonProcessingException e) {
      IllegalStateException unreadable = new IllegalStateException("unreadable answer from the node: " + json, e);
      failAll(unreadable);
      if (ack != null) ack.completeExceptionally(unreadable);
    }
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    failAll(new IllegalStateException("node closed the stream (" + statusCode + " " + reason + ")"));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    failAll(error);
  }

  /** Fails every batch still waiting, and every later one: after an error the node closes the stream. */
  private void failAll(Throwable failure) {
    List<CompletableFuture<IngestResponse>> failed;
    synchronized (this) {
      if (broken == null) broken = failure;
      failed = new ArrayList<>(awaiting);
      awaiting.clear();
    }
    failed.forEach(ack -> ack.completeExceptionally(failure));
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (Exception alreadyClosed) {
      socket.abort();
    }
  }
}
