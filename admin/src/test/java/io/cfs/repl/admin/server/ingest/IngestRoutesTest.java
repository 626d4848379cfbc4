package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.SITE;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.assertAccepted;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.assertRefused;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.entries;
import static io.cfs.repl.admin.server.ingest.IngestTestNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.JsonBatch;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.Clocks;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /journal/entries against a real node: both encodings, retries, and every 400 class. Each test uses its own
 * shard, and every refusal is checked to have changed nothing (the journal's heads are as before).
 */
class IngestRoutesTest {
  @TempDir
  static Path dir;
  private static IngestTestNode node;
  private static URI ingest;

  @BeforeAll
  static void start() throws Exception {
    node = IngestTestNode.start(dir);
    ingest = node.listen(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void jsonBatchIsAnsweredWhenDurableWithTheHeadsItTouched() throws Exception {
    List<JournalEntry> batch = new ArrayList<>(entries(1, 1, 3));
    batch.addAll(entries(2, 1, 2));
    assertAccepted(node.postJson(ingest, batch), 5, 0, Map.of(1, 3L, 2, 2L));
    // the journal stamps what the site knew of each inode: other tests of this node wrote these inode ids too
    assertThat(node.node.journal().read(1, 1, 10)).extracting(e -> e.withSeen(Seen.NONE)).isEqualTo(entries(1, 1, 3));
    assertThat(json(node.get(ingest, "/journal/heads", null).body()).path("2").asLong()).isEqualTo(2);
  }

  /** Every decoded batch counts as ingested at the origin, one that wrote as durable once its answer is due. */
  @Test
  void theAgesOfDecodedAndOfDurableEntriesAreCounted() throws Exception {
    long ingested = sinceStart(EntryStage.INGESTED);
    long durable = sinceStart(EntryStage.DURABLE);
    assertAccepted(node.postBinary(ingest, entries(20, 1, 7)), 7, 0, Map.of(20, 7L));
    assertRefused(node.postBinary(ingest, entries(20, 9, 10)), 400, "GAP", 20, 9L);
    assertAccepted(node.postBinary(ingest, entries(20, 1, 7)), 0, 7, Map.of(20, 7L));

    assertThat(sinceStart(EntryStage.INGESTED)).as("every batch decoded").isEqualTo(ingested + 16);
    assertThat(sinceStart(EntryStage.DURABLE)).as("the one that wrote, not its retry").isEqualTo(durable + 7);
  }

  private static long sinceStart(EntryStage stage) {
    EntryAges.Summary s = node.node.applyLag().ages().snapshot().sinceStart().getOrDefault(stage, Map.of()).get(SITE);
    return s == null ? 0 : s.entries();
  }

  @Test
  void binaryAndJsonCarryTheSameEntries() throws Exception {
    assertAccepted(node.postBinary(ingest, entries(3, 1, 5)), 5, 0, Map.of(3, 5L));
    assertAccepted(node.postJson(ingest, entries(3, 1, 5)), 0, 5, Map.of(3, 5L));
    String withoutCrc = new String(JsonBatch.encode(entries(3, 4, 6)), StandardCharsets.UTF_8)
        .replaceAll(",\"crc\":-?\\d+", "");
    assertAccepted(node.post(ingest, "application/json", withoutCrc.getBytes(StandardCharsets.UTF_8), null), 1, 2,
        Map.of(3, 6L));
    assertThat(node.node.journal().read(3, 1, 10)).isEqualTo(entries(3, 1, 6));
  }

  @Test
  void retryingAnAcceptedBatchWritesNothingTwice() throws Exception {
    assertAccepted(node.postBinary(ingest, entries(4, 1, 100)), 100, 0, Map.of(4, 100L));
    assertAccepted(node.postBinary(ingest, entries(4, 1, 100)), 0, 100, Map.of(4, 100L));
    assertAccepted(node.postBinary(ingest, entries(4, 50, 120)), 20, 51, Map.of(4, 120L));
  }

  @Test
  void sameSeqWithOtherContentIsAConflictingDuplicate() throws Exception {
    assertAccepted(node.postJson(ingest, entries(5, 1, 2)), 2, 0, Map.of(5, 2L));
    JournalEntry other = JournalEntry.of(SITE, 5, 2, 999, Op.SETATTR, 5002, 1, new byte[] {1, 2, 3});
    List<JournalEntry> batch = new ArrayList<>(entries(5, 1, 1));
    batch.add(other);
    batch.addAll(entries(5, 3, 3));
    assertRefused(node.postBinary(ingest, batch), 400, "CONFLICTING_DUPLICATE", 5, 2L);
    assertThat(node.heads().get(5)).isEqualTo(2);
    assertThat(node.node.journal().read(5, 2, 1)).isEqualTo(entries(5, 2, 2));
  }

  @Test
  void gapAndRegressionAreRefusedWhole() throws Exception {
    assertAccepted(node.postJson(ingest, entries(6, 1, 2)), 2, 0, Map.of(6, 2L));
    assertRefused(node.postJson(ingest, entries(6, 4, 5)), 400, "GAP", 6, 4L);
    List<JournalEntry> backwards = new ArrayList<>(entries(6, 3, 4));
    backwards.addAll(entries(6, 3, 3));
    assertRefused(node.postBinary(ingest, backwards), 400, "REGRESSION", 6, 3L);
    assertThat(node.heads().get(6)).isEqualTo(2);
  }

  @Test
  void anEntryStampedTooFarAheadIsRefusedByNameAndTheAnswerCarriesTheSiteClock() throws Exception {
    long now = Clocks.epochNanos();
    List<JournalEntry> batch = new ArrayList<>(entries(8, 1, 1));
    batch.add(JournalEntry.of(SITE, 8, 2, now + Duration.ofSeconds(2).toNanos(), Op.WRITE, 8002, 1, new byte[] {1}));
    assertRefused(node.postBinary(ingest, batch), 400, "CLOCK_AHEAD", 8, 2L);
    assertThat(node.heads().get(8)).as("nothing of the batch written").isNull();

    long slightlyAhead = Clocks.epochNanos() + Duration.ofMillis(200).toNanos();
    batch = new ArrayList<>(entries(8, 1, 1));
    batch.add(JournalEntry.of(SITE, 8, 2, slightlyAhead, Op.WRITE, 8002, 1, new byte[] {1}));
    HttpResponse<String> accepted = node.postJson(ingest, batch);
    assertAccepted(accepted, 2, 0, Map.of(8, 2L));
    assertThat(json(accepted.body()).path("hlc").asLong()).as("the site's clock, past every hlc it took in")
        .isGreaterThanOrEqualTo(slightlyAhead);
  }

  @Test
  void entriesOfAnotherSiteAreRefused() throws Exception {
    List<JournalEntry> batch = new ArrayList<>(entries(7, 1, 1));
    batch.add(JournalEntry.of("site-b", 7, 2, 5, Op.WRITE, 7, 1, new byte[0]));
    assertRefused(node.postJson(ingest, batch), 400, "WRONG_ORIGIN", 7, 2L);
    assertThat(node.heads()).doesNotContainKey(7);
  }

  @Test
  void badCrcIsRefusedInBothEncodings() throws Exception {
    String json = new String(JsonBatch.encode(entries(8, 1, 2)), StandardCharsets.UTF_8);
    String wrongCrc = json.replaceFirst("\"crc\":-?\\d+(?=}])", "\"crc\":12345");
    assertRefused(node.post(ingest, "application/json", wrongCrc.getBytes(StandardCharsets.UTF_8), null), 400,
        "BAD_CRC", 8, 2L);
    byte[] binary = BinaryBatch.encode(entries(8, 1, 2));
    binary[binary.length - 6] ^= 0x01; // a payload byte of the last entry
    assertRefused(node.post(ingest, BinaryBatch.MEDIA_TYPE, binary, null), 400, "BAD_CRC", 8, 2L);
    assertThat(node.heads()).doesNotContainKey(8);
  }

  @Test
  void malformedBodiesNameTheEntryWhenOneIsKnown() throws Exception {
    assertRefused(node.post(ingest, "application/json", "{\"entries\":[".getBytes(StandardCharsets.UTF_8), null),
        400, "MALFORMED", null, null);
    assertRefused(node.post(ingest, "application/json", new byte[0], null), 400, "MALFORMED", null, null);
    String noHlc = new String(JsonBatch.encode(entries(9, 1, 1)), StandardCharsets.UTF_8)
        .replaceFirst("\"hlc\":\\d+,", "");
    assertRefused(node.post(ingest, "application/json", noHlc.getBytes(StandardCharsets.UTF_8), null), 400,
        "MALFORMED", 9, 1L);
    String seqAsText = new String(JsonBatch.encode(entries(9, 1, 1)), StandardCharsets.UTF_8)
        .replaceFirst("\"seq\":1", "\"seq\":\"1\"");
    assertRefused(node.post(ingest, "application/json", seqAsText.getBytes(StandardCharsets.UTF_8), null), 400,
        "MALFORMED", null, null);
    String badOp = new String(JsonBatch.encode(entries(9, 1, 1)), StandardCharsets.UTF_8)
        .replaceFirst("\"WRITE\"", "\"SCRIBBLE\"");
    assertRefused(node.post(ingest, "application/json", badOp.getBytes(StandardCharsets.UTF_8), null), 400,
        "MALFORMED", 9, 1L);

    byte[] binary = BinaryBatch.encode(entries(9, 1, 3));
    assertRefused(node.post(ingest, BinaryBatch.MEDIA_TYPE, java.util.Arrays.copyOf(binary, binary.length - 3), null),
        400, "MALFORMED", 9, 3L);
    binary[0] = 'X';
    assertRefused(node.post(ingest, BinaryBatch.MEDIA_TYPE, binary, null), 400, "MALFORMED", null, null);
    assertThat(node.heads()).doesNotContainKey(9);
  }

  @Test
  void payloadOverTheJournalLimitIsRefused() throws Exception {
    List<JournalEntry> batch = new ArrayList<>(entries(11, 1, 1));
    batch.add(JournalEntry.of(SITE, 11, 2, 5, Op.WRITE, 11, 1, new byte[64 * 1024 + 1]));
    assertRefused(node.postBinary(ingest, batch), 400, "PAYLOAD_TOO_LARGE", 11, 2L);
    assertThat(node.heads()).doesNotContainKey(11);
  }

  @Test
  void bodiesUpToMaxRequestBytesAreTakenBeyondPekkosOwnDefaultLimit() throws Exception {
    List<JournalEntry> batch = new ArrayList<>();
    for (long seq = 1; seq <= 8_000; seq++) {
      batch.add(JournalEntry.of(SITE, 12, seq, seq, Op.WRITE, seq, 1, new byte[1300]));
    }
    byte[] body = BinaryBatch.encode(batch);
    assertThat(body.length).isGreaterThan(8 << 20); // pekko.http.server.parsing.max-content-length
    assertAccepted(node.post(ingest, BinaryBatch.MEDIA_TYPE, body, null), 8_000, 0, Map.of(12, 8_000L));
  }

  @Test
  void otherContentTypesAreUnsupported() throws Exception {
    HttpResponse<String> response = node.post(ingest, "text/plain", "1 2 3".getBytes(StandardCharsets.UTF_8), null);
    assertRefused(response, 415, "UNSUPPORTED_MEDIA_TYPE", null, null);
  }

  /** A site that does not accept writes: 409 FENCED naming the primary and the epoch, in either encoding. */
  @Test
  void appendsOnAFencedSiteAreRefusedWithThePrimaryAndTheEpoch() throws Exception {
    assertAccepted(node.postJson(ingest, entries(13, 1, 1)), 1, 0, Map.of(13, 1L));
    int refusedBefore = node.refusals.getOrDefault("FENCED", 0);
    node.fence("site-b", 4);
    try {
      for (HttpResponse<String> refused : List.of(node.postJson(ingest, entries(13, 2, 3)),
          node.postBinary(ingest, entries(13, 2, 3)))) {
        assertRefused(refused, 409, "FENCED", null, null);
        assertThat(json(refused.body()).path("primary").asText()).isEqualTo("site-b");
        assertThat(json(refused.body()).path("epoch").asLong()).isEqualTo(4);
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
      }
      assertThat(node.heads().get(13)).isEqualTo(1);
      assertThat(node.refusals.get("FENCED")).isEqualTo(refusedBefore + 2);
    } finally {
      node.unfence();
    }
    assertAccepted(node.postJson(ingest, entries(13, 2, 3)), 2, 0, Map.of(13, 3L));
  }

  @Test
  void aFencedSiteThatKnowsNoPrimaryNamesOnlyTheEpoch() throws Exception {
    node.fence(null, 6);
    try {
      HttpResponse<String> refused = node.postJson(ingest, entries(14, 1, 1));
      assertRefused(refused, 409, "FENCED", null, null);
      assertThat(json(refused.body()).has("primary")).isFalse();
      assertThat(json(refused.body()).path("epoch").asLong()).isEqualTo(6);
    } finally {
      node.unfence();
    }
    assertThat(node.heads()).doesNotContainKey(14);
  }

  @Test
  void otherRefusalsNameNoPrimaryAndNoEpoch() throws Exception {
    HttpResponse<String> refused = node.postJson(ingest, entries(15, 2, 2));
    assertRefused(refused, 400, "GAP", 15, 2L);
    assertThat(json(refused.body()).has("primary")).isFalse();
    assertThat(json(refused.body()).has("epoch")).isFalse();
  }
}
