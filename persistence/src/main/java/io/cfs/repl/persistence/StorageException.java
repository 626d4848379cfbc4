package io.cfs.repl.persistence;

/** The embedded storage engine failed (I/O error, corruption, closed database). Not a validation outcome. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
