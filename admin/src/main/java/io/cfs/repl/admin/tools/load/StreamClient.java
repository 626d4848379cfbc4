package io.cfs.repl.admin.tools.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.model.entry.JournalEntry;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends binary batches over {@code /journal/stream}. The node answers batches in the order they were sent, so each
 * answer settles the oldest batch still waiting.
 *
 * <p>A WebSocket of its own over a blocking socket ({@link WebSocketFrames}), not the JDK's: the load shares the box
 * with the nodes it measures, and the JDK client's selector and executor threads (a hand-off each way per batch) took
 * 42 % of the load process's CPU at 10K entries/s. The caller's thread writes each batch (a node that reads slowly
 * blocks it: TCP's backpressure), and one reader thread settles the answers. Writes and the queue of batches waiting
 * for an answer have separate locks: the reader must never wait for a writer blocked on a full socket, or neither
 * side would read again.
 */
final class StreamClient implements IngestClient {
  private static final long CLOSE_WAIT_SECONDS = 5;
  private final Deque<CompletableFuture<IngestResponse>> awaiting = new ArrayDeque<>(); // guarded by itself
  private final ReentrantLock writing = new ReentrantLock();
  private final WebSocketFrames socket;
  private final Thread reader;
  private Throwable broken; // guarded by awaiting
  private volatile IOException writeFailure;

  private StreamClient(WebSocketFrames socket, String name) {
    this.socket = socket;
    this.reader = new Thread(this::read, "load-answers-" + name);
    reader.setDaemon(true);
  }

  static StreamClient connect(HttpClient http, URI node, String token) {
    try {
      // the client's context: the --cacert CAs, or the JDK's default
      Socket connected = WebSocketFrames.open(node, http.sslContext());
      StreamClient client = new StreamClient(WebSocketFrames.upgrade(connected, node, "/journal/stream", token),
          node.getAuthority());
      client.reader.start();
      return client;
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the ingest stream of " + node + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CompletableFuture<IngestResponse> send(List<JournalEntry> batch) {
    CompletableFuture<IngestResponse> ack = new CompletableFuture<>();
    byte[] bytes = BinaryBatch.encode(batch);
    writing.lock();
    try {
      synchronized (awaiting) {
        if (broken != null) {
          ack.completeExceptionally(broken);
          return ack;
        }
        awaiting.add(ack); // before the write: its answer may come before write returns
      }
      socket.sendBinary(bytes);
    } catch (IOException e) {
      // the reader fails it: the node closed the stream, and its refusal, if it sent one, is still to be read
      writeFailure = e;
    } finally {
      writing.unlock();
    }
    return ack;
  }

  /** The reader thread: each text message answers the oldest batch waiting; a close or a failure fails the rest. */
  private void read() {
    Throwable ended = null;
    try {
      while (true) {
        WebSocketFrames.Message message = socket.receive(this::pong);
        if (message.closed()) {
          ended = new IllegalStateException("node closed the stream (" + message.text() + ")");
          return;
        }
        settle(message.text());
      }
    } catch (Throwable e) {
      ended = writeFailure != null ? writeFailure : e;
    } finally {
      // whatever ended the reader: no batch may be left waiting for an answer that cannot come
      failAll(ended == null ? new IllegalStateException("the answers of the ingest stream stopped") : ended);
    }
  }

  /**
   * Answers a ping unless a batch is being written: the writer may be blocked on a full socket, and the reader must
   * go on reading (the node pings only if told to keep idle sockets alive, and an idle socket has no writer).
   */
  private void pong(byte[] payload) throws IOException {
    if (!writing.tryLock()) return;
    try {
      socket.sendPong(payload);
    } finally {
      writing.unlock();
    }
  }

  private void settle(String json) {
    CompletableFuture<IngestResponse> ack;
    synchronized (awaiting) {
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

  /** Fails every batch still waiting, and every later one: after an error the node closes the stream. */
  private void failAll(Throwable failure) {
    List<CompletableFuture<IngestResponse>> failed;
    synchronized (awaiting) {
      if (broken == null) broken = failure;
      failed = new ArrayList<>(awaiting);
      awaiting.clear();
    }
    failed.forEach(ack -> ack.completeExceptionally(failure));
  }

  /**
   * Closes the stream as WebSocket asks (a close frame, then the node's), or drops it after a few seconds: a writer
   * blocked on a node that stopped reading holds the write lock, and a broken stream needs no close frame.
   */
  @Override
  public void close() {
    try {
      boolean broke;
      synchronized (awaiting) {
        broke = broken != null;
      }
      if (!broke && writing.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        try {
          socket.sendClose(1000, "done");
        } catch (IOException alreadyBroken) {
          // the socket is closed below all the same
        } finally {
          writing.unlock();
        }
      }
      reader.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      socket.close();
    }
  }
}
