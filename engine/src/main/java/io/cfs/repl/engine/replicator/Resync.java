package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.store.OriginMarks;
import java.util.Map;

/**
 * The durable part of a peer's snapshot resync, in {@link ReplicatorState}: why the peer needs one and since when,
 * and the run in progress (null until one starts).
 */
public record Resync(String reason, long sinceMillis, Run run) {

  public Resync {
    if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a resync needs a reason");
  }

  /**
   * A run: its id, the marks of the snapshot view it started from (per origin, installed at the peer at the end; a run
   * resumed after a cut reads a newer view but keeps these, which that view covers), the last inode the peer
   * acknowledged (the run resumes after it), and what it shipped so far.
   */
  public record Run(long id, Map<String, OriginMarks> marks, boolean anyAcked, long lastInodeId, long values,
                    long bytes, long startedMillis) {
    public Run {
      marks = Map.copyOf(marks);
    }

    Run progressed(long lastInode, long moreValues, long moreBytes) {
      return new Run(id, marks, true, lastInode, values + moreValues, bytes + moreBytes, startedMillis);
    }

    /** The watermarks of {@code site}'s own journal in the run's marks: where its tail resumes once installed. */
    public Map<Integer, Long> cursorsOf(String site) {
      OriginMarks own = marks.get(site);
      return own == null ? Map.of() : own.watermarks();
    }
  }

  Resync started(Run started) {
    return new Resync(reason, sinceMillis, started);
  }
}
