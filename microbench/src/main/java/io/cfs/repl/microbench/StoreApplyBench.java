package io.cfs.repl.microbench;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A peer's apply of one batch of 500 entries over 1M inodes into the embedded store, by the store's memtable size:
 * inodes arrive in random order, so each insert walks the memtable's skip list through memory no cache holds. Without
 * fsync (the CPU of the apply, not the disk's), with RocksDB's flushes and compactions running beside it as they do in
 * a node. The store's default is 16 MiB.
 */
@State(Scope.Thread)
public class StoreApplyBench extends HotPathBench {
  private Path dir;
  private RocksDbMetadataStore store;
  private final long[] seqs = new long[Batches.SHARDS];
  private final SplittableRandom random = new SplittableRandom(1);
  private List<JournalEntry> batch;

  @Param({"16MiB", "64MiB"})
  public String writeBufferSize;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("cfs-jmh-store");
    store = RocksDbMetadataStore.open(dir, StoreSettings.create(ConfigFactory.parseString(
        "cfs-repl.persistence.store { sync = off, rocksdb.write-buffer-size = " + writeBufferSize + " }")
        .withFallback(ConfigFactory.load())));
  }

  /** The next batch, made outside the measured call. */
  @Setup(Level.Invocation)
  public void next() {
    batch = Batches.next("site-a", seqs, random);
  }

  @Benchmark
  public ApplyResult apply() {
    return store.apply("site-a", batch, Durability.ASYNC);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
