package io.cfs.repl.model.entry;

/** A journal entry that cannot exist: thrown on construction or decoding, never after anything was written. */
public class InvalidEntryException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEntryException(String message) {
    super(message);
  }
}
