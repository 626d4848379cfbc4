package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.GcLog;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.ProcStats;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, journal GC (soak, {@code mvn -Pfull}): site A writes 5,000 entries/s over 64 shards for
 * {@code -Dit.plateau.seconds} (180 by default) while B tails it, with A's journal collected every second down to
 * 1,000 entries per shard. Proves that the journal shrinks to the slowest peer's horizon while writing, so its
 * footprint plateaus: after a 20 s warm-up, the peaks over the run's second half of A's journal entries and bytes
 * (status) are at most 1.5x those over its first half, and of its directory's size on disk at most 2x (RocksDB
 * frees space only when it flushes and compacts, in steps), while the second half writes as much as the first.
 * Prints the samples, the nodes' peak heap and RSS, and ends with both stores converged.
 */
@ExtendWith(ItExtension.class)
@Tag("soak")
@Timeout(3600)
class JournalPlateauSoakTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final int SHARDS = 64;
  private static final int KEEP_ENTRIES = 1_000;
  private static final double RATE = 5_000;
  private static final long SAMPLE_SECONDS = 5;
  private static final long WARM_UP_SECONDS = 20;

  @Test
  void theJournalPlateausWhileTheWritesGoOn(ItContext it) throws InterruptedException {
    long seconds = Long.getLong("it.plateau.seconds", 180);
    if (seconds < 2 * (WARM_UP_SECONDS + SAMPLE_SECONDS)) {
      throw new IllegalArgumentException("it.plateau.seconds must leave samples in both halves after the "
          + WARM_UP_SECONDS + " s warm-up: " + seconds);
    }
    SiteCluster cluster = it.topology(A, B)
        .config(A, "cfs-repl.journal-gc { interval = 1s, keep-entries = " + KEEP_ENTRIES + " }").start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    Path journalDir = cluster.node(A).spec().dataDir().resolve("journal");

    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, RATE).shards(SHARDS).inodes(100_000).payloadBytes(100).maxBatch(1_000).binaryIngest(true).start());
    long t0 = System.nanoTime();
    List<Sample> samples = new ArrayList<>();
    for (long at = 0; at <= seconds; at += SAMPLE_SECONDS) {
      // The measurement itself: one sample per period, on a fixed schedule from t0 (no drift), while the workload
      // runs on. Nothing is awaited here; the assertions are on the samples.
      long wait = t0 + TimeUnit.SECONDS.toNanos(at) - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      workload.rethrowFailures();
      long written = workload.acknowledged(A);
      Status status = cluster.admin(A).status();
      samples.add(new Sample(at, written, status.journal(), status.requirePeer(B).lagEntries(),
          DiskUse.of(journalDir)));
    }
    workload.stop(Duration.ofSeconds(60));
    printTable(samples);

    List<Sample> first = samples.stream().filter(s -> s.at() >= WARM_UP_SECONDS && s.at() <= seconds / 2).toList();
    List<Sample> second = samples.stream().filter(s -> s.at() > seconds / 2).toList();
    Sample start = samples.get(0);
    Sample half = first.get(first.size() - 1);
    Sample end = samples.get(samples.size() - 1);
    System.out.printf("[it] peaks, first half (from %d s) / second half: entries %,d / %,d, bytes %,d / %,d, disk %s"
            + " / %s; written %,d at %d s, %,d at %d s (x%.2f)%n", WARM_UP_SECONDS, max(first, Sample::entries),
        max(second, Sample::entries), max(first, Sample::bytes), max(second, Sample::bytes),
        ProcStats.mib(max(first, Sample::disk)), ProcStats.mib(max(second, Sample::disk)), half.written(), half.at(),
        end.written(), end.at(), (double) end.written() / half.written());
    assertThat(max(second, Sample::entries)).as("A's journal entries: peak of the second half")
        .isLessThanOrEqualTo((long) (1.5 * max(first, Sample::entries)));
    assertThat(max(second, Sample::bytes)).as("A's journal bytes: peak of the second half")
        .isLessThanOrEqualTo((long) (1.5 * max(first, Sample::bytes)));
    assertThat(max(second, Sample::disk)).as("A's journal directory on disk: peak of the second half")
        .isLessThanOrEqualTo(2 * max(first, Sample::disk));
    // The writes went on at the same rate: at a fixed rate, what is written at the end is twice what was written at
    // half time, to within the batch in flight at each sample; a tenth of slack keeps that noise (and a node's GC
    // pause at the last sample) from failing a run whose writes did not slow down.
    assertThat(end.written() - half.written()).as("entries written in the second half (%,d in the first)",
        half.written() - start.written()).isGreaterThanOrEqualTo((long) (0.9 * (half.written() - start.written())));
    assertThat(end.entries()).as("A's journal holds a fraction of what was written").isLessThan(end.written() / 2);

    Checker.of(cluster, history).sampleInodes(5_000, it.seed()).quiescenceTimeout(Duration.ofMinutes(5))
        .assertConverged();
    for (NodeProcess n : cluster.nodes()) {
      ProcStats stats = ProcStats.of(n.pid());
      System.out.printf("[it] %s: peak heap %s, peak RSS %s, CPU %.1f s%n", n.name(),
          ProcStats.mib(GcLog.peakHeapBytes(it.logDir(), n.name())), ProcStats.mib(stats.peakRssBytes()),
          stats.cpuMillis() / 1000.0);
      assertThat(n.logLines("OutOfMemoryError")).as(n.name() + " ran out of memory").isEmpty();
    }
  }

  /** One sample, {@code at} seconds into the workload: A's acknowledged entries, its journal, B's lag, the disk. */
  private record Sample(long at, long written, Status.Journal journal, long lagB, DiskUse diskUse) {
    long disk() {
      return diskUse.total();
    }

    long entries() {
      return journal.entries();
    }

    long bytes() {
      return journal.bytes();
    }
  }

  private static long max(List<Sample> samples, ToLongFunction<Sample> value) {
    return samples.stream().mapToLong(value).max().orElseThrow();
  }

  private static void printTable(List<Sample> samples) {
    System.out.printf("[it] %5s %11s %9s %13s %9s %8s %8s %6s  %s%n", "t (s)", "written", "entries", "bytes",
        "disk MiB", "WAL MiB", "SST MiB", "B lag", "horizon held by");
    for (Sample s : samples) {
      System.out.printf("[it] %5d %,11d %,9d %,13d %9.1f %8.1f %8.1f %,6d  %s%n", s.at(), s.written(), s.entries(),
          s.bytes(), s.disk() / 1048576.0, s.diskUse().wal() / 1048576.0, s.diskUse().sst() / 1048576.0, s.lagB(),
          s.journal().horizonHeldBy());
    }
  }

  /**
   * The journal directory's files by kind: RocksDB's write-ahead log ({@code NNNNNN.log}), its tables
   * ({@code .sst}) and the rest (manifest, options, its own LOG), as they are now (RocksDB adds and deletes files as
   * it goes).
   */
  private record DiskUse(long wal, long sst, long other) {
    long total() {
      return wal + sst + other;
    }

    static DiskUse of(Path dir) {
      long[] sizes = new long[3];
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          int kind = name.endsWith(".log") ? 0 : name.endsWith(".sst") ? 1 : 2;
          try {
            sizes[kind] += Files.size(f);
          } catch (NoSuchFileException deleted) {
            // flushed or compacted away since the listing: what it held is in the files that replaced it
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot measure " + dir, e);
      }
      return new DiskUse(sizes[0], sizes[1], sizes[2]);
    }
  }
}
