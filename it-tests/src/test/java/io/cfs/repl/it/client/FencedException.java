package io.cfs.repl.it.client;

/**
 * The site refused the batch with 409 {@code FENCED}: it does not take writes now (not the primary, or its lease ran
 * out), and nothing of the batch was written. Names the primary the site knows (null: none known yet) and the highest
 * epoch it knows, so that a writer can go there instead.
 */
public final class FencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The 409 body: {@code {"error":"FENCED","primary":..,"epoch":..,"message":..}}. */
  record Body(String error, String primary, Long epoch, String message) {
  }

  private final String site;
  private final String primary;
  private final long epoch;

  FencedException(String site, Body body) {
    super(site + " is fenced: primary " + body.primary() + ", epoch " + body.epoch() + ": " + body.message());
    this.site = site;
    this.primary = body.primary();
    this.epoch = body.epoch() == null ? -1 : body.epoch();
  }

  /** The node that refused. */
  public String site() {
    return site;
  }

  /** The primary the refusing site knows, or null. */
  public String primary() {
    return primary;
  }

  /** The highest epoch the refusing site knows (-1 if it did not say). */
  public long epoch() {
    return epoch;
  }
}
