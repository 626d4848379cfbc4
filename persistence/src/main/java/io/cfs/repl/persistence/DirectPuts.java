package io.cfs.repl.persistence;

import java.nio.ByteBuffer;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * Puts into a RocksDB write batch from two direct buffers this thread reuses: the journal's and the store's writes
 * encoded every key and value into an array of its own, which JNI then copied into the batch; they were a sixth of
 * a peer's allocation and a tenth of an origin's. Fill {@link #key} and {@link #value}, then {@link #put}: the batch
 * copies both, so the buffers are free again when it returns. One per thread ({@link #ofThisThread}), never shared.
 */
public final class DirectPuts {
  /** A value larger than this goes into a buffer of its own, so no thread keeps a huge one. */
  private static final int MAX_KEPT_BYTES = 1 << 20;
  private static final ThreadLocal<DirectPuts> THREADS = ThreadLocal.withInitial(DirectPuts::new);

  private ByteBuffer key = ByteBuffer.allocateDirect(64);
  private ByteBuffer value = ByteBuffer.allocateDirect(4096);

  private DirectPuts() {
  }

  public static DirectPuts ofThisThread() {
    return THREADS.get();
  }

  /** The key buffer, cleared, with room for {@code bytes}. */
  public ByteBuffer key(int bytes) {
    key = room(key, bytes);
    return key;
  }

  /** The value buffer, cleared, with room for {@code bytes}. */
  public ByteBuffer value(int bytes) {
    value = room(value, bytes);
    return value;
  }

  /** Puts what was written into {@link #key} and {@link #value} ({@code column} null: the default column family). */
  public void put(AbstractWriteBatch batch, ColumnFamilyHandle column) throws RocksDBException {
    key.flip();
    value.flip();
    if (column == null) {
      batch.put(key, value);
    } else {
      batch.put(column, key, value);
    }
    if (value.capacity() > MAX_KEPT_BYTES) value = ByteBuffer.allocateDirect(4096);
  }

  private static ByteBuffer room(ByteBuffer buffer, int bytes) {
    if (buffer.capacity() >= bytes) return buffer.clear();
    return ByteBuffer.allocateDirect(Math.max(bytes, 2 * buffer.capacity()));
  }
}
