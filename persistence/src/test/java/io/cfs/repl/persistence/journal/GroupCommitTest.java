package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.entry;
import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.SITE;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static io.cfs.repl.persistence.journal.JournalTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupCommitTest {
  @TempDir
  Path dir;

  /**
   * With a stamper, groups are committed by the stamper while the writer is idle and by the writer while calls queue
   * up: appenders that pipeline from many threads mix both, and every shard must still come out dense and in order.
   */
  @ParameterizedTest(name = "stamper: {0}")
  @ValueSource(booleans = {false, true})
  void concurrentAppendersEachGetADenseDurableShard(boolean stamped) throws Exception {
    int threads = 8;
    int perThread = 10_000;
    int perCall = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    SeenSource seen = stamped ? inodes -> Map.of() : SeenSource.NONE;
    try (RocksDbJournal journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults(), seen)) {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int shard = 100 + t;
        done.add(pool.submit(() -> {
          // Calls are pipelined: queue order is validation order, so they need not wait for each other.
          List<CompletionStage<AppendResult>> calls = new ArrayList<>();
          for (long from = 1; from <= perThread; from += perCall) {
            calls.add(journal.append(range(SITE, shard, from, from + perCall - 1)));
          }
          return calls.stream().mapToInt(c -> await(c).written()).sum();
        }));
      }
      for (Future<Integer> f : done) {
        assertEquals(perThread, f.get(60, TimeUnit.SECONDS));
      }
      for (int t = 0; t < threads; t++) {
        assertEquals(perThread, journal.headSeq(100 + t));
      }
    } finally {
      pool.shutdownNow();
    }
    try (RocksDbJournal reopened = RocksDbJournal.open(dir, SITE, JournalSettings.defaults())) {
      for (int t = 0; t < threads; t++) {
        assertEquals(range(SITE, 100 + t, 1, perThread), reopened.read(100 + t, 1, perThread + 1));
      }
    }
  }

  /**
   * With a stamper in front of the writer, concurrent appenders still get dense, durable shards in call order, every
   * entry stamped; a read of what the site knows that fails fails its group alone, and the journal goes on.
   */
  @Test
  void stampedAppendsStayInOrderAndAFailedReadFailsItsGroupAlone() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    SeenSource seen = inodes -> {
      if (failing.get()) throw new IllegalStateException("test: the store is unreadable");
      Map<Long, io.cfs.repl.model.entry.Seen> known = new HashMap<>();
      inodes.forEach(id -> known.put(id, io.cfs.repl.model.entry.Seen.of("peer-site", id)));
      return known;
    };
    try (RocksDbJournal journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults(), seen)) {
      List<CompletionStage<AppendResult>> calls = new ArrayList<>();
      for (long from = 1; from <= 5_000; from += 100) calls.add(journal.append(range(SITE, 7, from, from + 99)));
      calls.forEach(c -> assertEquals(100, await(c).written()));
      List<JournalEntry> held = journal.read(7, 1, 5_001);
      assertEquals(range(SITE, 7, 1, 5_000), held.stream()
          .map(e -> e.withSeen(io.cfs.repl.model.entry.Seen.NONE)).toList());
      held.forEach(e -> assertEquals(io.cfs.repl.model.entry.Seen.of("peer-site", e.inodeId()), e.seen()));

      failing.set(true);
      CompletionStage<AppendResult> failed = journal.append(range(SITE, 7, 5_001, 5_010));
      java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> failed.toCompletableFuture().get(30, TimeUnit.SECONDS));
      assertEquals("test: the store is unreadable", refused.getCause().getMessage());
      assertEquals(5_000, journal.headSeq(7), "nothing of the failed group written");
      failing.set(false);
      assertEquals(10, await(journal.append(range(SITE, 7, 5_001, 5_010))).written(), "the journal goes on");
      assertEquals(5_010, journal.headSeq(7));
    }
  }

  /**
   * A group stamped while nothing else waits is committed on the stamper's thread (no hand-off to wake the writer);
   * one stamped while calls queue behind it goes to the writer, so that the next group's read overlaps its fsync.
   */
  @Test
  void theStamperCommitsWhenIdleAndHandsOnWhenCallsQueueUp() throws Exception {
    java.util.concurrent.Semaphore reading = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.Semaphore reads = new java.util.concurrent.Semaphore(0);
    SeenSource gated = inodes -> {
      reading.release();
      reads.acquireUninterruptibly();
      return Map.of();
    };
    try (RocksDbJournal journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults(), gated)) {
      CompletionStage<String> alone = journal.append(range(SITE, 3, 1, 10))
          .thenApply(r -> Thread.currentThread().getName());
      reads.release();
      assertEquals("cfs-journal-stamper-" + SITE, await(alone));

      // the stamper is held on the first group's read while two more calls queue behind it
      reading.drainPermits();
      CompletionStage<String> first = journal.append(range(SITE, 3, 11, 20))
          .thenApply(r -> Thread.currentThread().getName());
      assertTrue(reading.tryAcquire(30, TimeUnit.SECONDS), "the stamper took the call alone");
      List<CompletionStage<AppendResult>> queued = List.of(journal.append(range(SITE, 3, 21, 30)),
          journal.append(range(SITE, 3, 31, 40)));
      reads.release(2);
      assertEquals("cfs-journal-writer-" + SITE, await(first));
      queued.forEach(c -> assertEquals(10, await(c).written()));
      assertEquals(range(SITE, 3, 1, 40), journal.read(3, 1, 41));
    }
  }

  /**
   * Calls that queue up while the stamper commits a group of its own mean load is building: the next group goes to
   * the writer, so that the read of the one after it overlaps its write and fsync.
   */
  @Test
  void afterCallsQueuedDuringItsOwnCommitTheStamperHandsTheNextGroupOn() throws Exception {
    java.util.concurrent.Semaphore committing = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.Semaphore commits = new java.util.concurrent.Semaphore(0);
    List<String> committedOn = java.util.Collections.synchronizedList(new ArrayList<>());
    GroupCommitWriter writer = new GroupCommitWriter(SITE, JournalSettings.defaults(), inodes -> Map.of(), group -> {
      committedOn.add(Thread.currentThread().getName());
      committing.release();
      commits.acquireUninterruptibly();
      group.forEach(call -> call.promise().complete(new AppendResult(call.entries().size(), 0, Map.of())));
    });
    writer.start();
    try {
      CompletionStage<AppendResult> first = writer.append(range(SITE, 1, 1, 10));
      assertTrue(committing.tryAcquire(30, TimeUnit.SECONDS), "the stamper commits the first group itself");
      CompletionStage<AppendResult> second = writer.append(range(SITE, 1, 11, 20));
      commits.release(2);
      assertEquals(10, await(first).written());
      assertEquals(10, await(second).written());
      assertEquals(List.of("cfs-journal-stamper-" + SITE, "cfs-journal-writer-" + SITE), committedOn);
    } finally {
      commits.release(100);
      writer.stop();
    }
  }

  @Test
  void aRefusedCallLeavesTheCallsQueuedWithItAlone() {
    try (RocksDbJournal journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults())) {
      // The first call keeps the writer busy so that the next ones queue up and are likely committed as one group;
      // the outcome must be the same whatever the grouping.
      CompletionStage<AppendResult> big = journal.append(range(SITE, 1, 1, 10_000));
      CompletionStage<AppendResult> gap = journal.append(List.of(entry(SITE, 2, 1), entry(SITE, 3, 5)));
      CompletionStage<AppendResult> next = journal.append(range(SITE, 1, 10_001, 10_100));
      CompletionStage<AppendResult> other = journal.append(range(SITE, 2, 1, 10));

      assertEquals(10_000, await(big).written());
      assertEquals(Reason.GAP, rejection(gap).reason());
      assertEquals(new AppendResult(100, 0, Map.of(1, 10_100L)), await(next));
      assertEquals(new AppendResult(10, 0, Map.of(2, 10L)), await(other));
      assertEquals(Map.of(1, 10_100L, 2, 10L), journal.heads());
    }
  }

  @Test
  void pendingGroupRollsBackARefusedCallOnly() {
    Map<Long, JournalEntry> stored = new HashMap<>();
    range(SITE, 1, 1, 3).forEach(e -> stored.put(e.seq(), e));
    PendingGroup group = new PendingGroup(shard -> shard == 1 ? 3L : 0L,
        (shard, seq) -> shard == 1 ? stored.get(seq) : null);

    assertEquals(new AppendResult(2, 1, Map.of(1, 5L)), group.admit(range(SITE, 1, 3, 5)));
    AppendRejectedException gap = assertThrows(AppendRejectedException.class,
        () -> group.admit(List.of(entry(SITE, 1, 6), entry(SITE, 2, 1), entry(SITE, 2, 3))));
    assertEquals(Reason.GAP, gap.reason());
    JournalEntry otherFive = JournalEntry.of(SITE, 1, 5, 1, entry(SITE, 1, 5).op(), 5, 1, new byte[] {1});
    AppendRejectedException conflict = assertThrows(AppendRejectedException.class,
        () -> group.admit(List.of(otherFive)));
    assertEquals(Reason.CONFLICTING_DUPLICATE, conflict.reason(), "checked against the pending entry");

    // 1/6 and 2/1 of the refused call are gone: 6 is new again, 2/1 is accepted.
    assertEquals(new AppendResult(2, 1, Map.of(1, 7L)), group.admit(range(SITE, 1, 5, 7)));
    assertEquals(new AppendResult(1, 0, Map.of(2, 1L)), group.admit(List.of(entry(SITE, 2, 1))));

    List<JournalEntry> expected = new ArrayList<>(range(SITE, 1, 4, 7));
    expected.add(entry(SITE, 2, 1));
    assertEquals(new HashSet<>(expected), new HashSet<>(group.entries()));
    assertEquals(5, group.size());
    assertEquals(Map.of(1, 7L, 2, 1L), group.heads());
  }

  /** Nothing deletes journal entries today; should anything ever, a retry from below what is held is refused. */
  @Test
  void pendingGroupRefusesASeqNoLongerHeldAsARegression() {
    Map<Long, JournalEntry> stored = new HashMap<>();
    range(SITE, 1, 8, 10).forEach(e -> stored.put(e.seq(), e));
    PendingGroup group = new PendingGroup(shard -> 10L, (shard, seq) -> stored.get(seq));

    AppendRejectedException refused = assertThrows(AppendRejectedException.class,
        () -> group.admit(List.of(entry(SITE, 1, 3))));
    assertEquals(Reason.REGRESSION, refused.reason(), refused.getMessage());
    assertEquals(1, refused.shard());
    assertEquals(3, refused.seq());
    assertEquals(0, group.size());
    assertEquals(new AppendResult(1, 3, Map.of(1, 11L)), group.admit(range(SITE, 1, 8, 11)));
  }
}
