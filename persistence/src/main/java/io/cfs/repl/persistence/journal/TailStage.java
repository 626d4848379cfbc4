package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Source of journal batches past a set of per-shard positions, which it advances as it emits.
 *
 * <p>Emits only on pull. On a pull it reads; when nothing is beyond its positions it registers on the journal's
 * next-append signal and reads again when that fires (if still pulled), so an idle tail costs nothing. The signal
 * is taken before reading, so an append that lands between the read and the registration still wakes it.
 *
 * <p>A tail that keeps up reads what was just appended, which the journal still holds in memory ({@link TailCache}):
 * that read neither blocks nor waits, so it runs inside the stage, on whatever dispatcher runs the stream, and a
 * wake-up costs one hand-off, not two. Only a read that needs storage (a RocksDB read from disk for a peer far
 * behind, a round trip to PostgreSQL) goes to the {@code reads} executor, and its batch comes back to the stage when
 * done. Without one ({@code null}) every read runs inside the stage: its consumer must then give it an island on a
 * blocking dispatcher.
 */
final class TailStage extends GraphStage<SourceShape<List<JournalEntry>>> {
  /** One read of the next batch after {@code positions}, possibly empty. */
  @FunctionalInterface
  interface BatchRead {
    List<JournalEntry> read(Map<Integer, Long> positions, int maxEntries, long maxBytes);
  }

  /** What a read aside brought back, with the signal taken before it. */
  private record Read(List<JournalEntry> batch, Throwable failure, CompletionStage<Void> signal) {
  }

  private final Outlet<List<JournalEntry>> out = Outlet.create("JournalTail.out");
  private final SourceShape<List<JournalEntry>> shape = SourceShape.of(out);
  private final Map<Integer, Long> initialPositions;
  private final int maxEntries;
  private final LongSupplier maxBytes;
  private final BatchRead held;
  private final BatchRead stored;
  private final Executor reads;
  private final Supplier<CompletionStage<Void>> nextAppend;
  private final TailCache cache;

  /**
   * @param positions per shard, the last seq already consumed
   * @param held reads the next batch from memory alone, without blocking; null when part of it is only in storage
   * @param stored reads the next batch, from storage where needed (blocks)
   * @param reads where {@code stored} runs; null: inside the stage
   * @param nextAppend the signal completed after the next group commit (failed when the journal closes)
   * @param cache the journal's tail cache, told how far this tail has read so that it holds nothing longer
   */
  private TailStage(Map<Integer, Long> positions, int maxEntries, LongSupplier maxBytes, BatchRead held,
                    BatchRead stored, Executor reads, Supplier<CompletionStage<Void>> nextAppend, TailCache cache) {
    this.initialPositions = Map.copyOf(positions);
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.held = held;
    this.stored = stored;
    this.reads = reads;
    this.nextAppend = nextAppend;
    this.cache = cache;
  }

  /** {@link LocalJournal#tail}: batches read by {@code held} where it can, else by {@code stored} on {@code reads}. */
  static Source<List<JournalEntry>, NotUsed> batches(Map<Integer, Long> positions, int maxEntries,
                                                     LongSupplier maxBytes, BatchRead held, BatchRead stored,
                                                     Executor reads, Supplier<CompletionStage<Void>> nextAppend,
                                                     TailCache cache) {
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    AppendChecks.requireArgument(maxBytes.getAsLong() >= 1, "maxBytes must be >= 1, was " + maxBytes.getAsLong());
    return Source.fromGraph(new TailStage(positions, maxEntries, maxBytes, held, stored, reads, nextAppend,
        cache));
  }

  @Override
  public SourceShape<List<JournalEntry>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private Map<Integer, Long> positions; // the mark's: moving them tells the cache what this tail has read
      private final AsyncCallback<Optional<Throwable>> woken = createAsyncCallback(this::onWoken);
      private final AsyncCallback<Read> readAside = createAsyncCallback(this::onReadAside);
      private TailCache.Mark mark;

      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            emitOrWait();
          }
        });
      }

      @Override
      public void preStart() {
        mark = cache.open(initialPositions);
        positions = mark.positions();
      }

      @Override
      public void postStop() {
        if (mark != null) mark.close();
      }

      private void emitOrWait() {
        CompletionStage<Void> signal = nextAppend.get();
        long bytes = maxBytes.getAsLong();
        List<JournalEntry> batch;
        try {
          batch = held.read(positions, maxEntries, bytes);
          if (batch == null && reads != null) {
            Map<Integer, Long> at = Map.copyOf(positions);
            CompletableFuture.supplyAsync(() -> stored.read(at, maxEntries, bytes), reads)
                .whenComplete((read, failure) -> readAside.invoke(new Read(read, failure, signal)));
            return;
          }
          if (batch == null) batch = stored.read(positions, maxEntries, bytes);
        } catch (JournalCollectedException behind) {
          // an expected end (the reader needs a snapshot resync), not a stage error to log with its trace
          failStage(behind);
          return;
        }
        emitOrRegister(batch, signal);
      }

      /** Out is still pulled: only a pull starts a read, and nothing is pushed while it runs. */
      private void onReadAside(Read read) {
        if (read.failure() != null) {
          failStage(read.failure() instanceof CompletionException c && c.getCause() != null
              ? c.getCause() : read.failure());
        } else {
          emitOrRegister(read.batch(), read.signal());
        }
      }

      private void emitOrRegister(List<JournalEntry> batch, CompletionStage<Void> signal) {
        if (batch.isEmpty()) {
          signal.whenComplete((ignored, failure) -> woken.invoke(Optional.ofNullable(failure)));
          return;
        }
        batch.forEach(e -> positions.put(e.shard(), e.seq()));
        push(out, batch);
      }

      private void onWoken(Optional<Throwable> failure) {
        if (failure.isPresent()) {
          failStage(failure.get());
        } else if (isAvailable(out)) {
          emitOrWait();
        }
      }
    };
  }
}
