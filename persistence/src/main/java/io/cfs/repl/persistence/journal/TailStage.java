package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
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
 * <p>Reads run inside the stage, on whatever dispatcher runs it, and they block: a round trip to PostgreSQL, or a
 * RocksDB read from disk for a peer far behind. So its consumers give it an island of its own on a blocking
 * dispatcher: the engine's links and local applier apply {@code .async(read-dispatcher, 1)} directly to the tail
 * ({@code cfs-repl.replicator.read-dispatcher}, by default {@code cfs-repl.blocking-dispatcher}), which also lets the
 * tail read one batch ahead of its consumer.
 */
final class TailStage extends GraphStage<SourceShape<List<JournalEntry>>> {
  private final Outlet<List<JournalEntry>> out = Outlet.create("JournalTail.out");
  private final SourceShape<List<JournalEntry>> shape = SourceShape.of(out);
  private final Map<Integer, Long> initialPositions;
  private final Function<Map<Integer, Long>, List<JournalEntry>> reader;
  private final Supplier<CompletionStage<Void>> nextAppend;

  /**
   * @param positions per shard, the last seq already consumed
   * @param reader reads the next batch after the positions it is given, possibly empty
   * @param nextAppend the signal completed after the next group commit (failed when the journal closes)
   */
  TailStage(Map<Integer, Long> positions, Function<Map<Integer, Long>, List<JournalEntry>> reader,
            Supplier<CompletionStage<Void>> nextAppend) {
    this.initialPositions = Map.copyOf(positions);
    this.reader = reader;
    this.nextAppend = nextAppend;
  }

  /** {@link LocalJournal#tail} of {@code journal}, woken by {@code nextAppend}. */
  static Source<List<JournalEntry>, NotUsed> batches(LocalJournal journal, Map<Integer, Long> positions,
                                                     int maxEntries, LongSupplier maxBytes,
                                                     Supplier<CompletionStage<Void>> nextAppend) {
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    AppendChecks.requireArgument(maxBytes.getAsLong() >= 1, "maxBytes must be >= 1, was " + maxBytes.getAsLong());
    return Source.fromGraph(new TailStage(positions, p -> journal.readBatch(p, maxEntries, maxBytes.getAsLong()),
        nextAppend));
  }

  @Override
  public SourceShape<List<JournalEntry>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final Map<Integer, Long> positions = new HashMap<>(initialPositions);
      private final AsyncCallback<Optional<Throwable>> woken = createAsyncCallback(this::onWoken);

      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            emitOrWait();
          }
        });
      }

      private void emitOrWait() {
        CompletionStage<Void> signal = nextAppend.get();
        List<JournalEntry> batch;
        try {
          batch = reader.apply(positions);
        } catch (JournalCollectedException behind) {
          // an expected end (the reader needs a snapshot resync), not a stage error to log with its trace
          failStage(behind);
          return;
        }
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
