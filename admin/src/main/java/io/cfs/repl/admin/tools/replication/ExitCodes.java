package io.cfs.repl.admin.tools.replication;

/** Exit codes of {@code cfs admin replication}. */
final class ExitCodes {
  static final int OK = 0;
  /** The site or a link is not HEALTHY, or a link lags over the thresholds. */
  static final int UNHEALTHY = 1;
  /** Bad usage, the node cannot be reached, or it refused the request (400, 404, 503). */
  static final int ERROR = 2;
  /** 401 or 403: missing, wrong or unconfigured token. */
  static final int AUTH = 3;

  private ExitCodes() {
  }
}
