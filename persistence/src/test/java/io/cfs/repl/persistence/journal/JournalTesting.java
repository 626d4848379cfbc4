package io.cfs.repl.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on append stages with a bound, so a hung writer fails the test instead of hanging it. */
final class JournalTesting {
  static final String SITE = "site-a";

  private JournalTesting() {
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stage did not complete successfully", e);
    }
  }

  static AppendRejectedException rejection(CompletionStage<?> stage) {
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    return assertInstanceOf(AppendRejectedException.class, failed.getCause());
  }
}
