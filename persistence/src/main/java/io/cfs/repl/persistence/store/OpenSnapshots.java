package io.cfs.repl.persistence.store;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The snapshots a store has open. A caller may leave one open when its store closes; the store then releases them all
 * before its own resources go (a RocksDB snapshot must be released before its database closes, a PostgreSQL one
 * holds a pooled connection).
 */
final class OpenSnapshots {
  private final Set<Tracked> open = ConcurrentHashMap.newKeySet();

  /** A snapshot of {@code view}, tracked until closed. */
  StoreSnapshot track(SnapshotView view) {
    Tracked snapshot = new Tracked(view);
    open.add(snapshot);
    return snapshot;
  }

  /**
   * Releases every snapshot still open. The store calls it once closed to new operations, so none opens meanwhile;
   * a {@code next} running on one finishes first.
   */
  void closeAll() {
    List.copyOf(open).forEach(Tracked::close);
  }

  /** Pages and closes under its own lock: a page never reads from a view being released. */
  private final class Tracked implements StoreSnapshot {
    private final SnapshotView view;
    private boolean closed; // guarded by this

    Tracked(SnapshotView view) {
      this.view = view;
    }

    @Override
    public Map<String, OriginMarks> marks() {
      return view.marks();
    }

    @Override
    public synchronized List<StoredValue> next(OptionalLong after, int maxValues, long maxBytes) {
      if (after == null) throw new IllegalArgumentException("after must not be null (empty: from the first)");
      SnapshotPage page = new SnapshotPage(maxValues, maxBytes);
      if (closed) throw new IllegalStateException("store snapshot is closed");
      view.fill(after, page);
      return page.values();
    }

    @Override
    public synchronized void close() {
      if (closed) return;
      closed = true;
      open.remove(this);
      view.release();
    }
  }
}
