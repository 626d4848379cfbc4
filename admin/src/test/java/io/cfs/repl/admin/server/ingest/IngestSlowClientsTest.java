package io.cfs.repl.admin.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.persistence.store.StoreDigest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their POST body slowly hold a connection, never an append permit: the others' appends go on at
 * their usual latency, the slow ones are refused 408 after body-read-timeout with nothing written, and connections
 * beyond max-connections are refused with a typed 503. Raw sockets play the slow clients (1 byte a second).
 */
class IngestSlowClientsTest {
  private static final int DRIBBLERS = 12;
  private static final int CLIENTS = 20;
  private static final int DECLARED_BYTES = 1_000;

  @TempDir
  Path dir;

  @Test
  void slowBodiesDoNotDelayOtherClientsAppends() throws Exception {
    try (IngestTestNode n = IngestTestNode.start(dir)) {
      long timeoutMillis = 10_000;
      URI base = n.listen(Map.of("body-read-timeout", timeoutMillis + "ms"));
      int port = base.getPort();
      List<Timed> alone = postConcurrently(n, base, 1, 10);
      for (Timed t : alone) assertThat(t.status()).as(t.body()).isEqualTo(200);
      long usual = maxLatency(alone);

      List<Dribbler> dribblers = new ArrayList<>();
      for (int i = 0; i < DRIBBLERS; i++) dribblers.add(Dribbler.start(port));
      List<Timed> withDribblers = postConcurrently(n, base, 11, 20);
      for (Timed t : withDribblers) assertThat(t.status()).as(t.body()).isEqualTo(200);
      assertThat(dribblers).as("slow clients still sending while the others appended")
          .allMatch(d -> !d.answer().isDone());
      long worst = maxLatency(withDribblers);
      System.out.printf("[ingest] %d POSTs beside %d slow bodies: worst %d ms; alone: worst %d ms%n", CLIENTS,
          DRIBBLERS, worst, usual);
      assertThat(worst).as("worst latency beside slow clients, against %d ms alone", usual)
          .isLessThanOrEqualTo(usual + 1_000);

      for (Dribbler d : dribblers) {
        Answer a = d.answer().get(timeoutMillis + 10_000, TimeUnit.MILLISECONDS);
        assertThat(a.status()).isEqualTo(408);
        assertThat(a.body()).contains("REQUEST_TIMEOUT");
        assertThat(a.afterMillis()).isBetween(timeoutMillis - 100, timeoutMillis + 5_000);
        d.close();
      }
      assertThat(n.refusals).containsEntry("REQUEST_TIMEOUT", DRIBBLERS).doesNotContainKey("BUSY");
      for (int shard = 0; shard < CLIENTS; shard++) assertThat(n.heads()).containsEntry(shard, 20L);
    }
  }

  @Test
  void aSlowBodyIsRefusedAfterTheTimeoutAndWritesNothing() throws Exception {
    try (IngestTestNode n = IngestTestNode.start(dir)) {
      URI base = n.listen(Map.of("body-read-timeout", "1s"));
      IngestTestNode.assertAccepted(n.postJson(base, IngestTestNode.entries(0, 1, 5)), 5, 0, Map.of(0, 5L));
      Map<Integer, Long> heads = n.heads();
      // the local applier applies the 5 entries after the append is acknowledged: the digest to compare with is the
      // one of a store that holds them, or the comparison below races that apply
      await().atMost(Duration.ofSeconds(30)).until(() -> n.node.store().watermarks(n.node.siteId()).equals(heads));
      StoreDigest digest = n.node.store().digest();

      try (Dribbler slow = Dribbler.start(base.getPort())) {
        Answer a = slow.answer().get(10, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(408);
        assertThat(IngestTestNode.json(a.body()).path("error").asText()).isEqualTo("REQUEST_TIMEOUT");
        assertThat(a.afterMillis()).as("answered after body-read-timeout (1 s)").isBetween(900L, 5_000L);
      }
      assertThat(n.heads()).isEqualTo(heads);
      assertThat(n.node.store().digest()).isEqualTo(digest);
      assertThat(n.refusals).containsEntry("REQUEST_TIMEOUT", 1);
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWithATypedAnswer() throws Exception {
    try (IngestTestNode n = IngestTestNode.start(dir)) {
      URI base = n.listen(Map.of("max-connections", 2, "body-read-timeout", "30s"));
      try (Dribbler first = Dribbler.start(base.getPort()); Dribbler second = Dribbler.start(base.getPort())) {
        // both hold their connection; a third one is answered and closed
        try (Dribbler third = Dribbler.start(base.getPort())) {
          Answer a = third.answer().get(10, TimeUnit.SECONDS);
          assertThat(a.status()).isEqualTo(503);
          assertThat(IngestTestNode.json(a.body()).path("error").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
        }
        assertThat(n.refusals).containsEntry("TOO_MANY_CONNECTIONS", 1);
      }
      // the slow ones are gone: appends are served again
      IngestTestNode.assertAccepted(awaitServed(n, base), 3, 0, Map.of(0, 3L));
    }
  }

  /** Posts until the listener has noticed the closed connections (it counts them down as they end). */
  private static HttpResponse<String> awaitServed(IngestTestNode n, URI base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> r = n.postJson(base, IngestTestNode.entries(0, 1, 3));
    while (r.statusCode() == 503 && System.nanoTime() < deadline) {
      r = n.postJson(base, IngestTestNode.entries(0, 1, 3));
    }
    return r;
  }

  private record Timed(int status, String body, long millis) {
  }

  /** One POST per client at once, client i writing seqs from..to of shard i. */
  private static List<Timed> postConcurrently(IngestTestNode n, URI base, long from, long to) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<Timed>> posts = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int shard = i;
        posts.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          HttpResponse<String> r = n.postJson(base, IngestTestNode.entries(shard, from, to));
          return new Timed(r.statusCode(), r.body(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }));
      }
      List<Timed> done = new ArrayList<>();
      for (Future<Timed> f : posts) done.add(f.get(60, TimeUnit.SECONDS));
      return done;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long maxLatency(List<Timed> posts) {
    return posts.stream().mapToLong(Timed::millis).max().orElseThrow();
  }

  private record Answer(int status, String body, long afterMillis) {
  }

  /** A client that declares a body and sends it at one byte a second over a raw socket; reads the one answer. */
  private static final class Dribbler implements AutoCloseable {
    private final Socket socket;
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private final Thread writer;
    private final Thread reader;

    private Dribbler(Socket socket, long startNanos) {
      this.socket = socket;
      this.writer = new Thread(this::dribble, "dribbler-writer");
      this.reader = new Thread(() -> read(startNanos), "dribbler-reader");
    }

    static Dribbler start(int port) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      long t0 = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      out.write(("POST /journal/entries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + DECLARED_BYTES + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Dribbler d = new Dribbler(socket, t0);
      d.writer.setDaemon(true);
      d.reader.setDaemon(true);
      d.writer.start();
      d.reader.start();
      return d;
    }

    CompletableFuture<Answer> answer() {
      return answer;
    }

    /** One byte a second, as long as the socket takes it and no answer came. */
    private void dribble() {
      try {
        OutputStream out = socket.getOutputStream();
        while (!answered(TimeUnit.SECONDS.toMillis(1))) {
          out.write(' ');
          out.flush();
        }
      } catch (IOException closed) {
        // the server answered and closed, or the test closed the socket
      }
    }

    /** Waits up to {@code millis} for the answer (the pace of the dribble). */
    private boolean answered(long millis) {
      try {
        answer.get(millis, TimeUnit.MILLISECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException notYet) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      } catch (java.util.concurrent.ExecutionException failed) {
        return true;
      }
    }

    private void read(long startNanos) {
      try {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.UTF_8));
        String statusLine = in.readLine();
        long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        int length = 0;
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
          if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(header.substring(header.indexOf(':') + 1).trim());
          }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
          int r = in.read(body, read, length - read);
          if (r < 0) break;
          read += r;
        }
        answer.complete(new Answer(Integer.parseInt(statusLine.split(" ")[1]), new String(body, 0, read), after));
      } catch (IOException | RuntimeException e) {
        answer.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
