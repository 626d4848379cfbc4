package io.cfs.repl.persistence;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Open or closed, for a storage object whose operations must not run once it is closed: operations run under a read
 * lock, and closing waits for the running ones.
 */
public final class Lifecycle {
  private final String name;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lock

  /** @param name what is guarded, as error messages name it ("journal of site-a") */
  public Lifecycle(String name) {
    this.name = name;
  }

  /** Runs {@code operation} unless closed; throws {@link IllegalStateException} if closed. */
  public <T> T guarded(Supplier<T> operation) {
    lock.readLock().lock();
    try {
      if (closed) throw new IllegalStateException(name + " is closed");
      return operation.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Waits for running operations and closes; returns false if it was closed already. */
  public boolean close() {
    lock.writeLock().lock();
    try {
      if (closed) return false;
      closed = true;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
