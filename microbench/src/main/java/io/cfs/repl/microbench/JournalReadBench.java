package io.cfs.repl.microbench;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The tail's read: one batch of up to 500 entries across 64 shards from a RocksDB journal of 200,000 entries, from
 * positions that move through the journal as a link's cursors would; from storage (no tail cache) or from a tail
 * cache that holds them all (a link that keeps up). The cache holds an entry only while a tail of the journal has not
 * read it, so with the cache on a tail is opened first and never pulled.
 */
@State(Scope.Thread)
public class JournalReadBench extends HotPathBench {
  private static final int BATCHES = 400;
  private Path dir;
  private RocksDbJournal journal;
  private final Map<Integer, Long> positions = new HashMap<>();
  private ActorSystem<Void> system;

  /** The journal's tail-cache-bytes: 0 reads every batch from RocksDB. */
  @Param({"0", "256MiB"})
  public String tailCache;

  @Setup(Level.Trial)
  public void fill() throws Exception {
    dir = Files.createTempDirectory("cfs-jmh-journal");
    journal = RocksDbJournal.open(dir, "site-a", JournalSettings.create(ConfigFactory.parseString(
        "cfs-repl.persistence.journal.tail-cache-bytes = " + tailCache).withFallback(ConfigFactory.load())));
    system = ActorSystem.create(Behaviors.empty(), "jmh-journal-read");
    CompletableFuture<Void> open = new CompletableFuture<>();
    journal.tail(Map.of(), 1, Long.MAX_VALUE).runWith(Sink.fromSubscriber(new Subscriber<List<JournalEntry>>() {
      @Override
      public void onSubscribe(Subscription s) {
        open.complete(null); // the stage has started; never requesting, it reads nothing
      }

      @Override
      public void onNext(List<JournalEntry> batch) {
      }

      @Override
      public void onError(Throwable t) {
      }

      @Override
      public void onComplete() {
      }
    }), system);
    open.get(30, TimeUnit.SECONDS);
    long[] seqs = new long[Batches.SHARDS];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < BATCHES; i++) {
      journal.append(Batches.next("site-a", seqs, random)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Benchmark
  public int readBatch() {
    List<JournalEntry> batch = journal.readBatch(positions, Batches.SIZE, 1L << 20);
    if (batch.isEmpty()) {
      positions.clear(); // wrapped: read the journal again from the start
      return 0;
    }
    for (JournalEntry e : batch) positions.merge(e.shard(), e.seq(), Math::max);
    return batch.size();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    journal.close();
    system.terminate();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
