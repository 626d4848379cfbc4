package io.cfs.repl.engine.gc;

import static io.cfs.repl.model.entry.TestEntries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.journal.JournalCapException;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention cap's {@code refuse-writes} policy on a real journal: past the cap (its byte bound) appends are
 * refused typed and write nothing, the refusal is audited and published once; once the journal is collected back
 * under the cap, appends are taken again. An age bound is refused with this policy (see {@link JournalGcSettings}).
 */
class CappedJournalTest {
  @TempDir
  Path dir;

  private RocksDbJournal journal;
  private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();
  private final List<Boolean> refusing = new CopyOnWriteArrayList<>();
  private CappedJournal capped;

  @BeforeEach
  void open() {
    journal = RocksDbJournal.open(dir, "a", JournalSettings.defaults());
    // about three entries' worth (each about 60 bytes with its key)
    JournalGcSettings settings = new JournalGcSettings(true, Duration.ofSeconds(1), 0, Duration.ofSeconds(1), 200,
        Duration.ZERO, JournalGcSettings.CapPolicy.REFUSE_WRITES);
    capped = new CappedJournal(journal, settings, new ReplicationMetrics() {
      @Override
      public void onJournalCapRefusing(boolean now) {
        refusing.add(now);
      }
    }, audited::add);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @Test
  void anAgeBoundIsRefusedUnderRefuseWrites() {
    assertThatThrownBy(() -> new JournalGcSettings(true, Duration.ofSeconds(1), 0, Duration.ofSeconds(1), 0,
        Duration.ofHours(1), JournalGcSettings.CapPolicy.REFUSE_WRITES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-journal-age applies to cap-policy");
  }

  @Test
  void pastTheCapAppendsAreRefusedAndWriteNothingThenTakenAgainOnceCollected() throws Exception {
    capped.append(range("a", 0, 1, 5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    capped.measure(System.currentTimeMillis());
    assertThat(capped.refusal()).contains("past the retention cap").contains("cap-policy refuse-writes");

    assertThatThrownBy(() -> capped.append(range("a", 0, 6, 6)).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(JournalCapException.class);
    assertThat(journal.heads()).isEqualTo(Map.of(0, 5L));
    capped.measure(System.currentTimeMillis()); // still past it: refused once, not once per measurement
    assertThat(audited).extracting(AuditRecord::kind).containsExactly(AuditKind.WRITES_REFUSED);

    // the peers caught up: a new entry (written before the cap) and the old ones collected
    long now = System.currentTimeMillis() * 1_000_000;
    journal.append(List.of(TestEntries.change("a", 0, 6, now, Op.WRITE, 42, "new"))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    journal.collect(Map.of(0, 5L));
    capped.measure(System.currentTimeMillis());
    assertThat(capped.refusal()).isNull();
    capped.append(List.of(TestEntries.change("a", 0, 7, now + 1, Op.WRITE, 43, "taken")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(journal.heads()).isEqualTo(Map.of(0, 7L));
    assertThat(audited).extracting(AuditRecord::kind)
        .containsExactly(AuditKind.WRITES_REFUSED, AuditKind.WRITES_RESUMED);
    assertThat(refusing).containsExactly(true, false);
  }
}
