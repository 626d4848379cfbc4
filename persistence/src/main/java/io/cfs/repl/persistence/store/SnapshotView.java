package io.cfs.repl.persistence.store;

import java.util.Map;
import java.util.OptionalLong;

/** What a backend provides for a {@link StoreSnapshot}: its point-in-time view; {@link OpenSnapshots} does the rest. */
interface SnapshotView {
  /** The marks of the view's instant, read when it was opened. */
  Map<String, OriginMarks> marks();

  /** Adds the view's values after {@code after} (exclusive, ids as unsigned) to {@code page}, in key order, until full. */
  void fill(OptionalLong after, SnapshotPage page);

  /** Frees the view's resources; called once. */
  void release();
}
