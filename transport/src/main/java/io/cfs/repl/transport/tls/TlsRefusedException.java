package io.cfs.repl.transport.tls;

/** A site link refused by this node's TLS checks (or classified from the TLS stack's failure), with its reason. */
public final class TlsRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final TlsRefusal reason;

  public TlsRefusedException(TlsRefusal reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public TlsRefusal reason() {
    return reason;
  }
}
