package io.cfs.repl.engine.conflict;

import static io.cfs.repl.model.entry.TestEntries.change;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.MetadataStore;
import java.util.List;

/** Makes conflicts in a store: inode {@code i} written by site-a, then by site-b without having seen it. */
final class Conflicts {
  static final String A = "site-a";
  static final String B = "site-b";

  private Conflicts() {
  }

  /** Conflicts on inodes {@code from..to}, one each: a's seq i then b's seq i (b newer, so b wins). */
  static ApplyResult make(MetadataStore store, int from, int to) {
    for (int i = from; i <= to; i++) store.apply(A, List.of(change(A, 0, i, 10L * i, Op.WRITE, i, "a")));
    ApplyResult last = null;
    for (int i = from; i <= to; i++) last = store.apply(B, List.of(change(B, 0, i, 10L * i + 1, Op.WRITE, i, "b")));
    return last;
  }
}
