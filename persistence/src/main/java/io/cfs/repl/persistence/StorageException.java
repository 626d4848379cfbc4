package io.cfs.repl.persistence;

/**
 * The embedded storage engine failed (I/O error, corruption, closed database). Not a validation outcome. The one
 * failure callers tell apart is {@link StorageFullException}: nothing was written, and the same write may succeed
 * once space frees.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
