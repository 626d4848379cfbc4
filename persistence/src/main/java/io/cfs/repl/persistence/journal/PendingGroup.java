package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The tentative state of one group commit: the append calls admitted so far, validated one after the other against
 * the committed heads plus the entries of the calls admitted before them.
 *
 * <p>Invariant: per shard, the entries held here are exactly {@code committedHead + 1 .. head()}, so a call is
 * checked as if every call before it in the group were already written. A refused call is rolled back before the
 * next one is looked at, so it cannot change the outcome of any other call.
 */
final class PendingGroup {

  /** Reads an entry already written (at or below the committed head); null if not held (below the GC horizon). */
  interface Stored {
    JournalEntry lookup(int shard, long seq);
  }

  private final IntToLongFunction committedHead;
  private final Stored stored;
  private final Map<Integer, ShardTail> shards = new HashMap<>();
  private int size;

  PendingGroup(IntToLongFunction committedHead, Stored stored) {
    this.committedHead = committedHead;
    this.stored = stored;
  }

  /**
   * Validates one call against the group so far and, if it passes, adds its new entries to the group.
   *
   * @throws AppendRejectedException if the call is refused; the group is then as it was before the call
   */
  AppendResult admit(List<JournalEntry> call) {
    Map<Integer, Integer> marks = new HashMap<>();
    Map<Integer, Long> lastSeqInCall = new HashMap<>();
    int written = 0;
    int duplicates = 0;
    try {
      for (JournalEntry e : call) {
        ShardTail tail = shards.computeIfAbsent(e.shard(), s -> new ShardTail(committedHead.applyAsLong(s)));
        marks.putIfAbsent(e.shard(), tail.entries.size());
        Long previous = lastSeqInCall.put(e.shard(), e.seq());
        if (previous != null && e.seq() <= previous) {
          throw rejected(Reason.REGRESSION, e, "seq does not increase within the append (previous " + previous + ")");
        }
        long head = tail.head();
        if (e.seq() == head + 1) {
          tail.entries.add(e);
          written++;
        } else if (e.seq() > head + 1) {
          throw rejected(Reason.GAP, e, "expected seq " + (head + 1));
        } else {
          JournalEntry held = tail.held(e.shard(), e.seq(), stored);
          if (held == null) throw rejected(Reason.REGRESSION, e, "seq is below the retained journal");
          if (!held.sameContent(e)) throw rejected(Reason.CONFLICTING_DUPLICATE, e, "a different entry is held");
          duplicates++;
        }
      }
    } catch (RuntimeException refused) {
      marks.forEach((shard, mark) -> shards.get(shard).truncate(mark));
      throw refused;
    }
    size += written;
    Map<Integer, Long> heads = new HashMap<>();
    marks.keySet().forEach(shard -> heads.put(shard, shards.get(shard).head()));
    return new AppendResult(written, duplicates, heads);
  }

  /** Admits the calls of a group one after the other; the outcome completes their promises once the group is written. */
  Admission admitAll(List<GroupCommitWriter.Call> group) {
    Admission admission = new Admission();
    for (GroupCommitWriter.Call call : group) {
      try {
        AppendResult result = admit(call.entries());
        admission.admitted.add(call);
        admission.results.add(result);
      } catch (AppendRejectedException refused) {
        admission.refused.add(call);
        admission.refusals.add(refused);
      }
    }
    return admission;
  }

  /** Which calls of a group were admitted (with their results) and which were refused (with why). */
  static final class Admission {
    private final List<GroupCommitWriter.Call> admitted = new ArrayList<>();
    private final List<AppendResult> results = new ArrayList<>();
    private final List<GroupCommitWriter.Call> refused = new ArrayList<>();
    private final List<AppendRejectedException> refusals = new ArrayList<>();

    /** Whether any admitted call brought new entries (so the group has something to write). */
    boolean writesEntries() {
      return results.stream().anyMatch(r -> r.written() > 0);
    }

    /** Call once the admitted entries are durable: refusals fail their calls, the admitted calls succeed. */
    void complete() {
      for (int i = 0; i < refused.size(); i++) refused.get(i).promise().completeExceptionally(refusals.get(i));
      for (int i = 0; i < admitted.size(); i++) admitted.get(i).promise().complete(results.get(i));
    }
  }

  /** Number of new entries admitted. */
  int size() {
    return size;
  }

  /** The new entries admitted, per shard in seq order. */
  List<JournalEntry> entries() {
    List<JournalEntry> all = new ArrayList<>(size);
    shards.values().forEach(tail -> all.addAll(tail.entries));
    return all;
  }

  /** The head of every shard with new entries, once the group is written. */
  Map<Integer, Long> heads() {
    Map<Integer, Long> heads = new HashMap<>();
    shards.forEach((shard, tail) -> {
      if (!tail.entries.isEmpty()) heads.put(shard, tail.head());
    });
    return heads;
  }

  private static AppendRejectedException rejected(Reason reason, JournalEntry e, String message) {
    return new AppendRejectedException(reason, e.shard(), e.seq(), message);
  }

  private static final class ShardTail {
    final long committedHead;
    final List<JournalEntry> entries = new ArrayList<>();

    ShardTail(long committedHead) {
      this.committedHead = committedHead;
    }

    long head() {
      return committedHead + entries.size();
    }

    JournalEntry held(int shard, long seq, Stored stored) {
      return seq > committedHead ? entries.get((int) (seq - committedHead - 1)) : stored.lookup(shard, seq);
    }

    void truncate(int mark) {
      entries.subList(mark, entries.size()).clear();
    }
  }
}
