package io.cfs.repl.engine.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.journal.AppendRejectedException;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site's clock: moved by what the site accepts (appends and applied batches), answered with every append. */
class SiteClockTest {
  private static final String SITE = "site-a";

  @TempDir
  Path dir;

  private final SiteClock clock = new SiteClock();
  private LocalJournal journal;

  @BeforeEach
  void open() {
    journal = clock.journal(RocksDbJournal.open(dir, SITE, JournalSettings.defaults()));
  }

  @AfterEach
  void close() {
    journal.close();
  }

  private static JournalEntry entry(String site, long seq, long hlc) {
    return JournalEntry.of(site, 0, seq, hlc, Op.WRITE, seq, 1, new byte[] {(byte) seq});
  }

  private static AppendResult await(CompletionStage<AppendResult> append) throws Exception {
    return append.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyAppendAnswersWithAnHlcAtLeastThatOfItsEntries() throws Exception {
    long ahead = Clocks.epochNanos() + Duration.ofMillis(300).toNanos(); // within max-clock-offset
    AppendResult result = await(journal.append(List.of(entry(SITE, 1, ahead - 5), entry(SITE, 2, ahead))));
    assertThat(result.written()).isEqualTo(2);
    assertThat(result.hlc()).isGreaterThanOrEqualTo(ahead);
    assertThat(clock.current()).isGreaterThanOrEqualTo(ahead);
  }

  @Test
  void aBatchAppliedFromAPeerMovesTheClockThatTheNextAppendAnswers() throws Exception {
    long peerHlc = Clocks.epochNanos() + Duration.ofSeconds(5).toNanos(); // a peer whose clock runs ahead
    clock.listener(ApplyListener.NONE).onBatchApplied("site-b", List.of(entry("site-b", 1, peerHlc)), null, 0);

    AppendResult result = await(journal.append(List.of(entry(SITE, 1, Clocks.epochNanos()))));
    assertThat(result.hlc()).as("a writer ratcheting to it stamps its next write after the peer's")
        .isGreaterThanOrEqualTo(peerHlc);
  }

  @Test
  void aRefusedAppendLeavesTheClockWhereItWas() {
    long farAhead = Clocks.epochNanos() + Duration.ofSeconds(30).toNanos();
    assertThatThrownBy(() -> await(journal.append(List.of(entry(SITE, 1, farAhead)))))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(AppendRejectedException.class,
            refused -> assertThat(refused.reason()).isEqualTo(AppendRejectedException.Reason.CLOCK_AHEAD));
    assertThat(clock.current()).isLessThan(farAhead);
  }
}
