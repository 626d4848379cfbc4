package io.cfs.repl.persistence.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of {@link StoreSnapshot#next}, filled by a backend in key order: at most {@code maxValues}, and full once
 * its payload bytes reach {@code maxBytes}. The value that reaches the byte limit is kept, so a page is never empty
 * while values are left, however large one payload is.
 */
final class SnapshotPage {
  private final int maxValues;
  private final long maxBytes;
  private final List<StoredValue> values = new ArrayList<>();
  private long bytes;

  SnapshotPage(int maxValues, long maxBytes) {
    if (maxValues < 1) throw new IllegalArgumentException("maxValues must be >= 1, was " + maxValues);
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    this.maxValues = maxValues;
    this.maxBytes = maxBytes;
  }

  /** Adds the next value in key order; false once the page is full (the caller stops reading). */
  boolean add(StoredValue value) {
    if (full()) throw new IllegalStateException("the page is full");
    values.add(value);
    bytes += value.payload().length;
    return !full();
  }

  boolean full() {
    return values.size() >= maxValues || bytes >= maxBytes;
  }

  /** How many more values the page takes at most: a backend reads no further ahead than this. */
  int room() {
    return maxValues - values.size();
  }

  List<StoredValue> values() {
    return List.copyOf(values);
  }
}
