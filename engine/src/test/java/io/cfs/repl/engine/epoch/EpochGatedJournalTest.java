package io.cfs.repl.engine.epoch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.engine.metrics.MeteredJournal;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write gate in front of the journal: an admitted append is stamped with the gate's epoch, a refused one fails with
 * the typed error and writes nothing.
 */
class EpochGatedJournalTest {
  private static final String SITE = "site-a";

  @TempDir
  Path dir;

  private RocksDbJournal backend;
  private final SiteEpochs epochs = SiteEpochs.noFailover();
  private final ConcurrentLinkedQueue<String> rejections = new ConcurrentLinkedQueue<>();
  private LocalJournal journal;

  @BeforeEach
  void open() {
    backend = RocksDbJournal.open(dir, SITE, JournalSettings.defaults());
    ReplicationMetrics metrics = new ReplicationMetrics() {
      @Override
      public void onAppendRejected(String reason) {
        rejections.add(reason);
      }
    };
    journal = new MeteredJournal(new EpochGatedJournal(backend, epochs), metrics);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  private static AppendResult await(CompletionStage<AppendResult> append) throws Exception {
    return append.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void withNoFailoverEntriesAreWrittenAsGivenAtEpochZero() throws Exception {
    List<JournalEntry> entries = TestEntries.range(SITE, 1, 1, 5);
    assertThat(EpochGatedJournal.stamp(entries, 0)).isSameAs(entries);

    await(journal.append(entries));

    assertThat(journal.read(1, 1, 10)).isEqualTo(entries).allSatisfy(e -> assertThat(e.epoch()).isZero());
  }

  @Test
  void anAdmittedAppendIsStampedWithTheAdmittedEpoch() throws Exception {
    epochs.install(WriteGate.open(4), new HighestEpochSeen(4));
    await(journal.append(TestEntries.range(SITE, 1, 1, 3)));

    assertThat(journal.read(1, 1, 10)).extracting(JournalEntry::epoch).containsExactly(4L, 4L, 4L);
  }

  /** A retry after a promotion: held entries keep the epoch they were written in; only the new one takes the new. */
  @Test
  void aRetryInALaterEpochIsADuplicateAndKeepsTheFirstEpoch() throws Exception {
    epochs.install(WriteGate.open(4), new HighestEpochSeen(4));
    await(journal.append(TestEntries.range(SITE, 1, 1, 3)));
    epochs.install(WriteGate.open(6), new HighestEpochSeen(6));

    AppendResult retry = await(journal.append(TestEntries.range(SITE, 1, 1, 4)));

    assertThat(retry).isEqualTo(new AppendResult(1, 3, Map.of(1, 4L)));
    assertThat(journal.read(1, 1, 10)).extracting(JournalEntry::epoch).containsExactly(4L, 4L, 4L, 6L);
  }

  @Test
  void aRefusedAppendFailsWithTheTypedErrorAndWritesNothing() throws Exception {
    await(journal.append(TestEntries.range(SITE, 1, 1, 2)));
    epochs.install(() -> {
      throw new NotPrimaryException("site-b", 5, "site-a is SECONDARY in epoch 5; the primary is site-b");
    }, new HighestEpochSeen(5));

    CompletionStage<AppendResult> refused = journal.append(TestEntries.range(SITE, 1, 3, 6));

    assertThatThrownBy(() -> refused.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(NotPrimaryException.class, e -> {
          assertThat(e.primary()).isEqualTo("site-b");
          assertThat(e.epoch()).isEqualTo(5);
          assertThat(e.getMessage()).contains("SECONDARY");
        });
    assertThat(journal.heads()).isEqualTo(Map.of(1, 2L));
    assertThat(journal.read(1, 1, 10)).hasSize(2);
    assertThat(rejections).containsExactly(MeteredJournal.FENCED);
  }

  @Test
  void theInstalledGateDecidesFromTheNextAppendOn() throws Exception {
    epochs.install(() -> {
      throw new NotPrimaryException(null, 2, "no primary known");
    }, new HighestEpochSeen(2));
    assertThatThrownBy(() -> await(journal.append(TestEntries.range(SITE, 2, 1, 1))))
        .cause().isInstanceOfSatisfying(NotPrimaryException.class, e -> assertThat(e.primary()).isNull());

    epochs.install(WriteGate.open(3), new HighestEpochSeen(3));

    assertThat(await(journal.append(TestEntries.range(SITE, 2, 1, 1))).written()).isEqualTo(1);
    assertThat(journal.read(2, 1, 1).get(0).epoch()).isEqualTo(3);
  }

  @Test
  void theNoFailoverViewRemembersTheHighestEpochAPeerShowed() {
    assertThat(epochs.current()).isZero();
    epochs.observe("site-b", 3);
    epochs.observe("site-c", 2);
    assertThat(epochs.current()).isEqualTo(3);
    assertThat(epochs.admit()).as("the gate stays open at 0").isZero();
  }
}
