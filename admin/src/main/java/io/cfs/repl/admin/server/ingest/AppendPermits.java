package io.cfs.repl.admin.server.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The append permits of the POST route (max-in-flight-appends), handed out first come, first served without blocking
 * a thread. A request whose body has arrived waits at most {@code maxWait} for a permit, so a burst of small appends
 * is served in turn instead of refused, while a node whose journal cannot keep up answers BUSY quickly.
 */
final class AppendPermits {
  private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>(); // guarded by this
  private int free; // guarded by this

  AppendPermits(int permits) {
    this.free = permits;
  }

  /** Completes when a permit is taken; fails with {@link java.util.concurrent.TimeoutException} after maxWait. */
  CompletionStage<Void> take(Duration maxWait) {
    CompletableFuture<Void> permit = new CompletableFuture<>();
    synchronized (this) {
      if (free > 0) {
        free--;
        permit.complete(null);
        return permit;
      }
      waiting.addLast(permit);
    }
    permit.orTimeout(maxWait.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, timedOut) -> {
      if (timedOut != null) {
        synchronized (this) {
          waiting.remove(permit);
        }
      }
    });
    return permit;
  }

  /** Returns a permit: to the longest waiter still waiting, else to the pool. */
  void give() {
    while (true) {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiting.pollFirst();
        if (next == null) {
          free++;
          return;
        }
      }
      if (next.complete(null)) return; // a waiter that timed out meanwhile does not take it
    }
  }
}
