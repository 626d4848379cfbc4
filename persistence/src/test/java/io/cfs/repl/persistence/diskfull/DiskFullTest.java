package io.cfs.repl.persistence.diskfull;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.diskfull.TmpfsVolume;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The journal and the store on a volume that runs full for real (a 64 MiB tmpfs filled by a filler file): writes are
 * refused with {@link StorageFullException} naming the data dir, nothing acknowledged is lost or half-written (a reopen
 * reads every acknowledged entry back, CRCs checked by decoding, heads and watermarks where they were), and once the
 * filler is deleted the same storage object writes again, without being reopened.
 *
 * <p>Needs root to mount the tmpfs; skipped (with the reason) otherwise. CI runs as root.
 */
@Tag("diskfull")
class DiskFullTest {
  private static final String SITE = "site-a";
  private static final int ENTRIES_PER_CALL = 32;
  private static final int PAYLOAD_BYTES = 32 << 10;
  /** Calls enough to fill 64 MiB many times over: not reaching a refusal is a failure, not a hang. */
  private static final int MAX_CALLS = 1_000;
  // Small memtables, so that flushes (not only WAL writes) meet the full volume too.
  private static final Config SMALL_BUFFERS = ConfigFactory.parseString("""
      cfs-repl.persistence.journal.rocksdb.write-buffer-size = 4 MiB
      cfs-repl.persistence.store.rocksdb.write-buffer-size = 4 MiB
      """).withFallback(ConfigFactory.defaultReference());

  @RegisterExtension
  static final TmpfsVolume VOLUME = new TmpfsVolume(64);

  @AfterEach
  void emptyVolume() throws IOException {
    VOLUME.free();
    try (Stream<Path> files = Files.walk(VOLUME.root())) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(VOLUME.root())) Files.delete(p);
      }
    }
  }

  @Test
  void aFullVolumeRefusesJournalAppendsTypedAndTheJournalAppendsAgainOnceSpaceFrees() throws Exception {
    Path dir = VOLUME.root().resolve("journal");
    JournalSettings settings = JournalSettings.create(SMALL_BUFFERS);
    long acked;
    try (RocksDbJournal journal = RocksDbJournal.open(dir, SITE, settings)) {
      acked = writeUntilFull(dir, appendCall(journal, 0), head -> appendCall(journal, head));
      long heldWhileFull = acked;
      VOLUME.topUp();
      // Two calls in flight at once (shards 0 and 1, valid alone and together): one group or two, each call fails.
      CompletableFuture<AppendResult> first = journal.append(entries(SITE, 0, heldWhileFull)).toCompletableFuture();
      CompletableFuture<AppendResult> second = journal.append(entries(SITE, 1, 0)).toCompletableFuture();
      for (CompletableFuture<AppendResult> call : List.of(first, second)) {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StorageFullException.class, refused.getCause());
      }
      assertEquals(Map.of(0, acked), journal.heads(), "the refused groups moved no head");
      assertJournalHolds(journal, acked);

      VOLUME.free();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(ExecutionException.class)
          .until(() -> appendCall(journal, heldWhileFull) > heldWhileFull);
      acked = appendCall(journal, heldWhileFull + ENTRIES_PER_CALL);
      assertEquals(Map.of(0, acked), journal.heads());
    }
    try (RocksDbJournal reopened = RocksDbJournal.open(dir, SITE, settings)) {
      assertEquals(Map.of(0, acked), reopened.heads(), "heads recovered from disk: every acknowledged entry, no more");
      assertJournalHolds(reopened, acked);
    }
  }

  @Test
  void aFullVolumeRefusesStoreAppliesTypedAndTheStoreAppliesAgainOnceSpaceFrees() throws Exception {
    Path dir = VOLUME.root().resolve("store");
    StoreSettings settings = StoreSettings.create(SMALL_BUFFERS);
    long applied;
    try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir, settings)) {
      applied = writeUntilFull(dir, applyCall(store, 0), watermark -> applyCall(store, watermark));
      long heldWhileFull = applied;
      VOLUME.topUp();
      assertThrows(StorageFullException.class, () -> applyCall(store, heldWhileFull));
      assertEquals(applied, store.watermark("site-b", 0), "a refused apply moved no watermark");

      VOLUME.free();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(StorageFullException.class)
          .until(() -> applyCall(store, heldWhileFull) > heldWhileFull);
      applied = heldWhileFull + ENTRIES_PER_CALL;
      assertEquals(applied, store.watermark("site-b", 0));
    }
    try (RocksDbMetadataStore reopened = RocksDbMetadataStore.open(dir, settings)) {
      assertEquals(applied, reopened.watermark("site-b", 0));
      for (long seq = 1; seq <= applied; seq++) {
        long inode = seq;
        byte[] stored = reopened.get(inode).orElseThrow(() -> new AssertionError("inode " + inode + " lost"))
            .payload();
        assertTrue(Arrays.equals(payload(seq), stored), "payload of inode " + inode);
      }
    }
  }

  /** One write of the next {@value #ENTRIES_PER_CALL} entries after {@code done}; returns the new position. */
  @FunctionalInterface
  private interface Write {
    long next(long done) throws Exception;
  }

  /**
   * Fills the volume, then writes until a write is refused as full, naming {@code dir}; returns the position the
   * last accepted write reached (the acknowledged entries).
   */
  private static long writeUntilFull(Path dir, long from, Write write) throws Exception {
    VOLUME.fill();
    long done = from;
    for (int call = 0; call < MAX_CALLS; call++) {
      try {
        done = write.next(done);
      } catch (StorageFullException | ExecutionException refused) {
        Throwable cause = refused instanceof ExecutionException ? refused.getCause() : refused;
        StorageFullException full = assertInstanceOf(StorageFullException.class, cause);
        assertEquals(dir, full.dataDir());
        assertTrue(full.getMessage().contains(dir.toString()), full.getMessage());
        return done;
      }
    }
    return fail("no write refused on a full volume after " + MAX_CALLS + " calls");
  }

  /** Appends the next call's entries after {@code head}; returns the new head once durable. */
  private static long appendCall(RocksDbJournal journal, long head) throws Exception {
    return journal.append(entries(SITE, 0, head)).toCompletableFuture().get(30, TimeUnit.SECONDS).heads().get(0);
  }

  private static long applyCall(RocksDbMetadataStore store, long watermark) {
    store.apply("site-b", entries("site-b", 0, watermark));
    return store.watermark("site-b", 0);
  }

  private static List<JournalEntry> entries(String site, int shard, long after) {
    List<JournalEntry> call = new ArrayList<>(ENTRIES_PER_CALL);
    for (long seq = after + 1; seq <= after + ENTRIES_PER_CALL; seq++) {
      call.add(JournalEntry.of(site, shard, seq, 1_000 * seq, Op.WRITE, seq, 1, payload(seq)));
    }
    return call;
  }

  /** Distinct per seq, so an entry read back in the wrong place shows. */
  private static byte[] payload(long seq) {
    byte[] payload = new byte[PAYLOAD_BYTES];
    Arrays.fill(payload, (byte) seq);
    payload[0] = (byte) (seq >>> 8);
    return payload;
  }

  /** Reading decodes every entry, which checks its CRC; the entries are exactly 1..head as appended. */
  private static void assertJournalHolds(RocksDbJournal journal, long head) {
    long next = 1;
    while (next <= head) {
      List<JournalEntry> read = journal.read(0, next, 256);
      assertTrue(!read.isEmpty(), "entry " + next + " of " + head + " missing");
      for (JournalEntry e : read) {
        assertEquals(next, e.seq());
        assertTrue(Arrays.equals(payload(next), e.payload()), "payload of seq " + next);
        next++;
      }
    }
    assertEquals(head + 1, next);
  }
}
