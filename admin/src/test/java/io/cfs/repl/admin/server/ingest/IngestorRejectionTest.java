package io.cfs.repl.admin.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.persistence.journal.JournalCapException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The typed rejection of a journal failure, which POST and the WebSocket stream both answer with (a real full volume:
 * {@link IngestDiskFullTest}).
 */
class IngestorRejectionTest {
  @Test
  void aFullVolumeIs507InsufficientStorageNamingTheDataDirHoweverWrapped() {
    Path dir = Path.of("/data/site-a/journal");
    StorageFullException full = new StorageFullException("journal write of 3 entries", dir, 4 << 20,
        new RuntimeException("IO error: No space left on device"));

    for (Throwable failure : new Throwable[] {full, new CompletionException(full),
        new CompletionException(new IllegalStateException("appending", full))}) {
      IngestRejection rejection = Ingestor.rejection(failure);
      assertThat(rejection.status()).isEqualTo(507);
      assertThat(rejection.error()).isEqualTo("INSUFFICIENT_STORAGE");
      assertThat(rejection.getMessage()).contains(dir.toString()).contains("4 MiB").contains("nothing of the batch");
      assertThat(rejection.shard()).isNull();
    }
  }

  @Test
  void aJournalPastItsCapThatRefusesWritesIs507JournalFull() {
    JournalCapException capped = new JournalCapException("appends refused: the journal of site-a holds 9 bytes");
    IngestRejection rejection = Ingestor.rejection(new CompletionException(capped));
    assertThat(rejection.status()).isEqualTo(507);
    assertThat(rejection.error()).isEqualTo("JOURNAL_FULL");
    assertThat(rejection.getMessage()).isEqualTo(capped.getMessage());
  }

  @Test
  void anyOtherStorageFailureStaysInternal() {
    IngestRejection rejection = Ingestor.rejection(new CompletionException(new IllegalStateException("boom")));
    assertThat(rejection.status()).isEqualTo(500);
    assertThat(rejection.error()).isEqualTo("INTERNAL");
  }
}
