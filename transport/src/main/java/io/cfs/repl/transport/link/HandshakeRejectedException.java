package io.cfs.repl.transport.link;

/**
 * A site link refused while it opened. Thrown by a {@link LinkHandler} to refuse a client, and the failure of a
 * client's link (and of its materialized handshake) when the server refused it; the reason and message are the
 * server's.
 */
public final class HandshakeRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a link was refused. The wire codes are fixed; never renumber them. */
  public enum Reason {
    /** The server does not know the client's site. */
    UNKNOWN_SITE(1),
    /** The client asked for a site other than the one that answered. */
    WRONG_TARGET_SITE(2),
    /** The two ends speak different link protocol versions. */
    PROTOCOL_VERSION(3),
    /** The hello (or the server's reply) could not be read. */
    MALFORMED(4),
    /** The client's TLS certificate names another site than its hello claims. */
    CERTIFICATE_SITE(5);

    private final int code;

    Reason(int code) {
      this.code = code;
    }

    /** The byte that carries this reason in a reject frame. */
    int code() {
      return code;
    }

    static Reason fromCode(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown handshake reject reason code " + code);
    }
  }

  private final Reason reason;
  private final String detail;

  public HandshakeRejectedException(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** The explanation without the reason prefix, as carried in a reject frame. */
  public String detail() {
    return detail;
  }
}
