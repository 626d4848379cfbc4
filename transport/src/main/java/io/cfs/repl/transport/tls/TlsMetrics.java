package io.cfs.repl.transport.tls;

/**
 * What TLS on site links reports, named after what happened so the metrics library (Kamon) lives in one adapter.
 * Called on stream and scheduler threads; must not block. Every method defaults to doing nothing.
 */
public interface TlsMetrics {
  /** Reports nothing. */
  TlsMetrics NONE = new TlsMetrics() {};

  /** A link was refused by TLS, on either end. */
  default void onRefused(TlsRefusal reason) {}

  /** Changed TLS files could not be used; the previous certificate stays in use. */
  default void onReloadFailed() {}

  /**
   * The time left on a certificate, refreshed every reload interval.
   *
   * @param site the site it names: this site for our own certificate, else the peer that presented it
   * @param own whether it is this node's own certificate
   * @param secondsLeft seconds until it expires, negative once it has
   */
  default void onCertificateExpiry(String site, boolean own, long secondsLeft) {}
}
