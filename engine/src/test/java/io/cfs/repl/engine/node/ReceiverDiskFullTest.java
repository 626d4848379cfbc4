package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.model.diskfull.TmpfsVolume;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiving site's store on a 64 MiB tmpfs that runs full for real, the sending site on ordinary disk: the
 * receiver acks nothing it could not apply (no watermark moves past what is stored), the sender's link fails and
 * backs off with its cursors kept, both nodes stay up, and once the filler is deleted the link resumes by itself and
 * the sites converge: every entry applied once, no gap, identical digests.
 *
 * <p>Needs root to mount the tmpfs; skipped (with the reason) otherwise. CI runs as root.
 */
@Tag("diskfull")
class ReceiverDiskFullTest {
  private static final int PER_CALL = 32;
  private static final int PAYLOAD_BYTES = 32 << 10;
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @RegisterExtension
  static final TmpfsVolume VOLUME = new TmpfsVolume(64);

  @TempDir
  Path dir;

  /** Link failures of the sender, per peer; full refusals of the receiver, per storage. */
  private static final class Counting implements ReplicationMetrics {
    final AtomicInteger linkFailures = new AtomicInteger();
    final Map<String, AtomicInteger> storageFull = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onLinkDown(String peer, String kind) {
      if (LINK_FAILED.equals(kind)) linkFailures.incrementAndGet();
    }

    @Override
    public void onStorageFull(String storage) {
      storageFull.computeIfAbsent(storage, s -> new AtomicInteger()).incrementAndGet();
    }
  }

  @Test
  void aReceiverOnAFullVolumeAcksNothingItCouldNotApplyAndConvergesOnceSpaceFrees() throws Exception {
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    Counting aMetrics = new Counting();
    Counting bMetrics = new Counting();
    // RocksDB resumes writes once a write buffer's worth is free: 64 MiB by default, all of this volume.
    Config small = ConfigFactory.parseMap(Map.of(
        "cfs-repl.persistence.journal.rocksdb.write-buffer-size", "4 MiB",
        "cfs-repl.persistence.store.rocksdb.write-buffer-size", "4 MiB"));
    try (ReplicationNode a = ReplicationNode.start(TestSites.config("site-a", dir.resolve("a"), ports),
            NodeHooks.NONE.withMetrics(aMetrics));
         ReplicationNode b = ReplicationNode.start(small.withFallback(
             TestSites.config("site-b", VOLUME.root().resolve("b"), ports)), NodeHooks.NONE.withMetrics(bMetrics))) {
      long head = append(a.journal(), 0, 2);
      long before = head;
      await().atMost(CONVERGE).until(() -> b.store().watermark("site-a", 0) == before);

      VOLUME.fill();
      int failuresBefore = aMetrics.linkFailures.get();
      head = append(a.journal(), head, 20); // 20 MiB: more than the volume can take once filled
      await().atMost(CONVERGE).untilAsserted(() -> {
        assertThat(bMetrics.storageFull).containsKey("store");
        assertThat(b.storageFull().current()).extracting(StorageFullState.Full::storage)
            .contains(StorageFullState.Storage.STORE);
        assertThat(aMetrics.linkFailures.get()).as("the sender's link failed and backs off")
            .isGreaterThan(failuresBefore);
      });
      long stalled = b.store().watermark("site-a", 0);
      assertThat(stalled).as("the receiver acked only what it stored").isLessThan(head);
      assertBatchesHeld(b, stalled);
      long written = head;
      await().atMost(CONVERGE).untilAsserted(() -> {
        // Lag first, then the watermark: it only grows, so an ack beyond what was stored would show as lag below.
        long lag = TwoSiteReplicationTest.statusOf(a, "site-b").lagEntries();
        long stored = b.store().watermark("site-a", 0);
        assertThat(lag).as("the sender's cursor is not past what the receiver stored")
            .isPositive().isGreaterThanOrEqualTo(written - stored);
      });
      assertThat(a.system().whenTerminated().isCompleted()).isFalse();
      assertThat(b.system().whenTerminated().isCompleted()).isFalse();

      VOLUME.free();
      long total = head;
      await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(b.store().watermark("site-a", 0)).isEqualTo(total);
        assertThat(TwoSiteReplicationTest.statusOf(a, "site-b").lagEntries()).isZero();
      });
      assertBatchesHeld(b, total);
      assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
      assertThat(b.storageFull().current()).isEmpty();
    }
  }

  /** Appends {@code calls} calls of {@value #PER_CALL} entries of 32 KiB to shard 0 after {@code head}. */
  private static long append(LocalJournal journal, long head, int calls) throws Exception {
    long next = head;
    for (int call = 0; call < calls; call++) {
      List<JournalEntry> entries = new ArrayList<>(PER_CALL);
      for (int i = 0; i < PER_CALL; i++) {
        next++;
        entries.add(JournalEntry.of("site-a", 0, next, 1_000_000 + next, Op.WRITE, next, 1, payload(next)));
      }
      journal.append(entries).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return next;
  }

  private static byte[] payload(long seq) {
    byte[] payload = new byte[PAYLOAD_BYTES];
    Arrays.fill(payload, (byte) seq);
    return payload;
  }

  /** The receiver holds every inode up to {@code watermark} with its payload: nothing acked is missing. */
  private static void assertBatchesHeld(ReplicationNode b, long watermark) {
    for (long seq = 1; seq <= watermark; seq++) {
      long inode = seq;
      assertThat(b.store().get(inode)).as("inode " + inode).hasValueSatisfying(v ->
          assertThat(v.payload()).isEqualTo(payload(inode)));
    }
  }
}
