package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Append throughput and latency of {@link RocksDbJournal} with the default (synced) settings. A main, not a test.
 *
 * <p>Arguments, all optional: entries (2000000), threads (4), entries per append (500), shards (64). Each thread owns
 * shards/threads shards and appends closed-loop (one call in flight), spreading each call over its shards. Entries
 * encode to 200 bytes (150-byte payload). The first tenth of each thread's calls is warm-up and not measured.
 */
public final class JournalBench {
  private static final int PAYLOAD = 150;

  private JournalBench() {
  }

  public static void main(String[] args) throws Exception {
    int total = arg(args, 0, 2_000_000);
    int threads = arg(args, 1, 4);
    int perCall = arg(args, 2, 500);
    int shards = arg(args, 3, 64);
    Path dir = Files.createTempDirectory("journal-bench");
    int callsPerThread = total / threads / perCall;
    int warmup = callsPerThread / 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (RocksDbJournal journal = RocksDbJournal.open(dir, "site-a", JournalSettings.defaults())) {
      List<Future<long[]>> runs = new ArrayList<>();
      long[] measuredStart = new long[threads];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(pool.submit(() -> {
          long[] seqs = new long[shards];
          Random random = new Random(thread);
          long[] latencies = new long[callsPerThread - warmup];
          for (int call = 0; call < callsPerThread; call++) {
            if (call == warmup) measuredStart[thread] = System.nanoTime();
            List<JournalEntry> entries = new ArrayList<>(perCall);
            for (int i = 0; i < perCall; i++) {
              int shard = thread + threads * (i % (shards / threads));
              byte[] payload = new byte[PAYLOAD];
              random.nextBytes(payload);
              entries.add(JournalEntry.of("site-a", shard, ++seqs[shard], System.nanoTime(), Op.WRITE,
                  random.nextLong(), 1, payload));
            }
            long start = System.nanoTime();
            journal.append(entries).toCompletableFuture().join();
            if (call >= warmup) latencies[call - warmup] = System.nanoTime() - start;
          }
          return latencies;
        }));
      }
      long[] all = new long[0];
      for (Future<long[]> run : runs) {
        long[] latencies = run.get();
        int from = all.length;
        all = Arrays.copyOf(all, from + latencies.length);
        System.arraycopy(latencies, 0, all, from, latencies.length);
      }
      long end = System.nanoTime();
      double seconds = (end - Arrays.stream(measuredStart).min().orElseThrow()) / 1e9;
      long measured = (long) all.length * perCall;
      long held = journal.heads().values().stream().mapToLong(Long::longValue).sum();
      Arrays.sort(all);
      System.out.printf("appended %d entries (%d measured) in calls of %d from %d threads over %d shards, sync=%s%n",
          held, measured, perCall, threads, shards, JournalSettings.defaults().sync());
      System.out.printf("throughput: %.0f entries/s%n", measured / seconds);
      System.out.printf("append latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6);
    } finally {
      pool.shutdownNow();
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static int arg(String[] args, int index, int otherwise) {
    return args.length > index ? Integer.parseInt(args[index]) : otherwise;
  }
}
