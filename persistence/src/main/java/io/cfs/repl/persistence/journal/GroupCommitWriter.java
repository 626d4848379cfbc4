package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.model.entry.Seen;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of a journal: checks each call for what needs no journal state, queues it, and one writer
 * takes every call queued since its last write and hands them to the journal as one group (one durable write, one
 * fsync), in queue order. With a {@link SeenSource}, a stamper thread comes first: it takes what has queued up,
 * stamps every entry with what the site knows of its inode (one read for the group) and hands the group on, so that
 * the store read of the next group overlaps the write and fsync of this one instead of adding to it. That overlap
 * only pays while calls queue up: when the stamper has stamped a group, nothing waits to be stamped and the writer
 * has committed everything handed to it, the stamper commits the group itself (unless calls queued up during its
 * previous commit: load is building, so the next group goes to the writer). On a quiet journal (a batch every
 * few ms) that saves a thread wake-up per group, on the path of every append's latency. Groups are committed in
 * queue order either way: the stamper commits only when no group it handed on is still uncommitted, and the writer
 * takes only what the stamper hands on; the count of handed-on calls orders the two threads' commits.
 *
 * <p>Invariants: every accepted call's promise is completed, by the committer or, if it throws, here (every call of
 * the group fails with what it threw, a {@link StorageFullException} included); after
 * {@link #stop} begins no call is accepted, and the calls queued before it finish first.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Call STOP = new Call(List.of(), new CompletableFuture<>());

  record Call(List<JournalEntry> entries, CompletableFuture<AppendResult> promise) {
  }

  /** Writes one group durably and completes the promise of every call in it. */
  interface Committer {
    void commit(List<Call> group);

    /** The committer threw: the group's promises are failed here; the journal decides what a failure means. */
    default void onFailure(Throwable failure) {
    }
  }

  private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
  /** Stamped calls, from the stamper to the writer; unused without a {@link SeenSource}. */
  private final BlockingQueue<Call> stampedQueue = new LinkedBlockingQueue<>();
  private final String localSite;
  private final JournalSettings settings;
  private final Thread thread;
  private final Thread stamper; // null without a SeenSource
  private final Committer committer;
  private final SeenSource seen;
  /** Calls the stamper handed to the writer that the writer has not committed yet. */
  private final AtomicInteger handedOn = new AtomicInteger();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean stopped; // guarded by lifecycle

  GroupCommitWriter(String localSite, JournalSettings settings, SeenSource seen, Committer committer) {
    this.localSite = localSite;
    this.settings = settings;
    this.seen = seen;
    this.committer = committer;
    this.stamper = seen == SeenSource.NONE ? null : new Thread(this::stamp, "cfs-journal-stamper-" + localSite);
    this.thread = new Thread(() -> write(stamper == null ? queue : stampedQueue), "cfs-journal-writer-" + localSite);
    // Appends are acknowledged only once durable, so a JVM exit loses nothing acknowledged.
    thread.setDaemon(true);
    if (stamper != null) stamper.setDaemon(true);
  }

  void start() {
    if (stamper != null) stamper.start();
    thread.start();
  }

  /** {@link LocalJournal#append}: refused at once if invalid alone or stopped, else completed by the writer. */
  CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    List<JournalEntry> call = List.copyOf(entries);
    AppendRejectedException invalid = AppendChecks.checkAlone(call, localSite, settings);
    if (invalid != null) return CompletableFuture.failedFuture(invalid);
    CompletableFuture<AppendResult> promise = new CompletableFuture<>();
    lifecycle.readLock().lock();
    try {
      if (stopped) return CompletableFuture.failedFuture(AppendChecks.closed(call, localSite));
      if (call.isEmpty()) return CompletableFuture.completedFuture(new AppendResult(0, 0, Map.of()));
      queue.add(new Call(call, promise));
    } finally {
      lifecycle.readLock().unlock();
    }
    return promise;
  }

  /** Refuses further calls, completes every call queued so far, then ends the thread and waits for it. Idempotent. */
  void stop() {
    lifecycle.writeLock().lock();
    try {
      if (stopped) return;
      stopped = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    queue.add(STOP); // the stamper, if any, passes it on after every stamped call
    boolean interrupted = false;
    for (Thread t : stamper == null ? List.of(thread) : List.of(stamper, thread)) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          // The journal must not release its storage under a running writer; finish waiting, then restore the flag.
          interrupted = true;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /**
   * The stamper: stamps what has queued up as one group and commits it or passes it on, in order. A failed read fails
   * that group's calls (nothing of them written); the journal itself is not at fault, so later groups go on.
   */
  private void stamp() {
    List<Call> group = new ArrayList<>();
    boolean stopping = false;
    boolean queuedDuringCommit = false;
    while (!stopping) {
      stopping = nextGroup(queue, group);
      if (group.isEmpty()) continue;
      List<Call> stamped;
      try {
        stamped = stamped(group);
      } catch (Throwable t) {
        log.error("Reading what the site knows of the inodes of {} append calls failed ({}): they fail", group.size(),
            stamper.getName(), t);
        group.forEach(call -> call.promise().completeExceptionally(t));
        continue;
      }
      // the writer's decrement after its commit happens-before this read: what it wrote is seen here
      if (handedOn.get() == 0 && queue.isEmpty() && !queuedDuringCommit) {
        commit(stamped);
        queuedDuringCommit = !queue.isEmpty();
      } else {
        queuedDuringCommit = false;
        handedOn.addAndGet(stamped.size());
        stampedQueue.addAll(stamped);
      }
    }
    stampedQueue.add(STOP);
  }

  /** Takes the next group from {@code from} into {@code group}; true when it ended with STOP (removed from it). */
  private static boolean nextGroup(BlockingQueue<Call> from, List<Call> group) {
    group.clear();
    group.add(takeNext(from));
    from.drainTo(group);
    // STOP is queued after every call (see stop), so it can only be last.
    boolean stopping = group.get(group.size() - 1) == STOP;
    if (stopping) group.remove(group.size() - 1);
    return stopping;
  }

  private void write(BlockingQueue<Call> from) {
    List<Call> group = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      stopping = nextGroup(from, group);
      if (group.isEmpty()) continue;
      commit(group);
      if (stamper != null) handedOn.addAndGet(-group.size());
    }
  }

  /** On the writer, or on the stamper while the writer has nothing uncommitted: never on both at once. */
  private void commit(List<Call> group) {
    try {
      committer.commit(group);
    } catch (Throwable t) {
      // A full volume is expected to last and is logged, rate-limited, by the committer.
      if (!(t instanceof StorageFullException)) {
        log.error("Journal write failed ({}): its {} append calls fail", Thread.currentThread().getName(),
            group.size(), t);
      }
      committer.onFailure(t);
      group.forEach(call -> call.promise().completeExceptionally(t));
    }
  }

  /** The group with each entry stamped with what the site knows of its inode now, before the entry is written. */
  private List<Call> stamped(List<Call> group) {
    // repeats left in: the store takes each inode once
    List<Long> inodes = new ArrayList<>();
    group.forEach(call -> call.entries().forEach(e -> inodes.add(e.inodeId())));
    Map<Long, Seen> known = seen.knowledge(inodes);
    if (known.isEmpty()) return group;
    List<Call> stamped = new ArrayList<>(group.size());
    for (Call call : group) {
      List<JournalEntry> entries = new ArrayList<>(call.entries().size());
      boolean changed = false;
      for (JournalEntry e : call.entries()) {
        Seen knew = known.get(e.inodeId());
        JournalEntry s = knew == null ? e : e.withSeen(knew);
        changed |= s != e;
        entries.add(s);
      }
      stamped.add(changed ? new Call(List.copyOf(entries), call.promise()) : call);
    }
    return stamped;
  }

  private static Call takeNext(BlockingQueue<Call> from) {
    while (true) {
      try {
        return from.take();
      } catch (InterruptedException e) {
        // Only stop() ends the writer (by queueing STOP), so that no queued append is left uncompleted.
      }
    }
  }
}
