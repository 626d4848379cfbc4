package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.SITE;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.server.http.Health;
import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.model.diskfull.TmpfsVolume;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node whose data dir is on a 64 MiB tmpfs that runs full for real: POST /journal/entries answers 507
 * INSUFFICIENT_STORAGE naming the journal's dir (the WebSocket stream answers its batch with the same error), nothing
 * refused is written, the node stays up and shows the full storage (metrics, health reasons), and once the filler is
 * deleted the same node accepts the batch, without a restart; every acknowledged entry reads back (CRCs checked by
 * decoding).
 *
 * <p>Needs root to mount the tmpfs; skipped (with the reason) otherwise. CI runs as root.
 */
@Tag("diskfull")
class IngestDiskFullTest {
  private static final int ENTRIES_PER_BATCH = 32;
  private static final int PAYLOAD_BYTES = 32 << 10;
  /** Batches enough to fill 64 MiB many times over: never reaching a refusal fails the test instead of hanging it. */
  private static final int MAX_BATCHES = 1_000;

  @RegisterExtension
  static final TmpfsVolume VOLUME = new TmpfsVolume(64);
  private static IngestTestNode node;
  private static URI ingest;

  @BeforeAll
  static void start() throws Exception {
    // RocksDB resumes writes once the volume has a write buffer's worth free: the journal's is 64 MiB by default, all
    // of this volume.
    node = IngestTestNode.start(VOLUME.root().resolve("node"), Map.of(
        "cfs-repl.persistence.journal.rocksdb.write-buffer-size", "4 MiB",
        "cfs-repl.persistence.store.rocksdb.write-buffer-size", "4 MiB"));
    ingest = node.listen(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aFullVolumeIsRefusedWith507AndTheSameNodeAcceptsAgainOnceSpaceFrees() throws Exception {
    Path journalDir = VOLUME.root().resolve("node").resolve("journal");
    long acked = 0;
    VOLUME.fill();
    HttpResponse<String> refused = null;
    for (int i = 0; i < MAX_BATCHES && refused == null; i++) {
      HttpResponse<String> response = node.postBinary(ingest, batch(acked));
      if (response.statusCode() == 200) {
        acked += ENTRIES_PER_BATCH;
      } else {
        refused = response;
      }
    }
    assertThat(refused).as("a batch refused within " + MAX_BATCHES + " batches on a full volume").isNotNull();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(507);
    JsonNode error = json(refused.body());
    assertThat(error.path("error").asText()).isEqualTo("INSUFFICIENT_STORAGE");
    assertThat(error.path("message").asText()).contains(journalDir.toString());
    assertThat(node.heads()).as("nothing of the refused batch written").isEqualTo(acked == 0 ? Map.of()
        : Map.of(0, acked));
    assertThat(node.refusals).containsKey("INSUFFICIENT_STORAGE");
    assertThat(node.storageFull).containsKey("journal");
    List<String> reasons = node.node.storageFull().current().stream().map(StorageFullState.Full::reason).toList();
    assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("storage full").contains(journalDir.toString()));
    assertThat(Health.site(List.of(), reasons)).isEqualTo(Health.DEGRADED);
    assertThat(node.node.system().whenTerminated().isCompleted()).as("the node stays up").isFalse();
    JsonNode streamed = json(firstStreamAnswer(batch(acked)));
    assertThat(streamed.path("error").asText()).as(streamed.toString()).isEqualTo("INSUFFICIENT_STORAGE");
    assertThat(streamed.path("batch").asLong()).isZero();
    assertThat(streamed.path("message").asText()).contains(journalDir.toString());

    VOLUME.free();
    long heldWhileFull = acked;
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> node.postBinary(ingest, batch(heldWhileFull)).statusCode() == 200);
    acked += ENTRIES_PER_BATCH;
    assertThat(node.heads()).isEqualTo(Map.of(0, acked));
    assertThat(node.node.storageFull().current()).as("no longer full once a write got through")
        .noneMatch(f -> f.storage() == StorageFullState.Storage.JOURNAL);
    for (long seq = 1; seq <= acked; seq += ENTRIES_PER_BATCH) {
      assertThat(node.node.journal().read(0, seq, ENTRIES_PER_BATCH)).isEqualTo(batch(seq - 1));
    }
  }

  /** Sends one binary batch on the WebSocket stream; its answer, whole. */
  private static String firstStreamAnswer(List<JournalEntry> entries) throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) answer.complete(text.toString());
        ws.request(1);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        answer.completeExceptionally(error);
      }
    };
    URI stream = URI.create("ws://127.0.0.1:" + ingest.getPort() + "/journal/stream");
    WebSocket ws = node.http.newWebSocketBuilder().buildAsync(stream, listener).get(30, TimeUnit.SECONDS);
    ws.sendBinary(ByteBuffer.wrap(BinaryBatch.encode(entries)), true).get(30, TimeUnit.SECONDS);
    return answer.get(30, TimeUnit.SECONDS);
  }

  private static List<JournalEntry> batch(long after) {
    List<JournalEntry> entries = new ArrayList<>(ENTRIES_PER_BATCH);
    for (long seq = after + 1; seq <= after + ENTRIES_PER_BATCH; seq++) {
      byte[] payload = new byte[PAYLOAD_BYTES];
      Arrays.fill(payload, (byte) seq);
      entries.add(JournalEntry.of(SITE, 0, seq, 1_000_000 + seq, Op.WRITE, seq, 1, payload));
    }
    return entries;
  }
}
