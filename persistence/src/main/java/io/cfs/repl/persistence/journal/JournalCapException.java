package io.cfs.repl.persistence.journal;

/**
 * An append refused because the journal is past its retention cap and the cap's policy is to refuse writes
 * ({@code cfs-repl.journal-gc.cap-policy = refuse-writes}): nothing of it was written. Appends are taken again once
 * the journal is back under the cap (a peer caught up, or was resynced, and the journal was collected).
 */
public final class JournalCapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalCapException(String message) {
    super(message);
  }
}
