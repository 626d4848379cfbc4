package io.cfs.repl.model.entry;

/** An entry whose CRC does not match its fields: corrupted in transit or at rest. */
public final class BadCrcException extends InvalidEntryException {
  private static final long serialVersionUID = 1L;

  public BadCrcException(String message) {
    super(message);
  }
}
