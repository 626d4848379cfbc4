package io.cfs.repl.engine.epoch;

/**
 * An append refused because this site does not accept writes: it is not PRIMARY, or it is fenced (it learned of a
 * higher epoch). Nothing of the append was written. Names the primary the client should write to instead, when known,
 * and the epoch this site knows. Ingest answers it with HTTP 409 and error {@code FENCED}.
 *
 * <p>Refusals are routine while a site is secondary (every append is refused), so the exception carries no stack
 * trace.
 */
public final class NotPrimaryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String primary;
  private final long epoch;

  /**
   * @param primary the site that accepts writes in {@code epoch}, or null if this site does not know one
   * @param epoch the highest epoch this site knows
   * @param message why, for a human: this site's role, and what it knows of the primary
   */
  public NotPrimaryException(String primary, long epoch, String message) {
    super(message, null, false, false);
    this.primary = primary;
    this.epoch = epoch;
  }

  /** The site that accepts writes now, or null if unknown (e.g. during a failover, before the vote). */
  public String primary() {
    return primary;
  }

  /** The highest epoch this site knows. */
  public long epoch() {
    return epoch;
  }
}
