package io.cfs.repl.transport.tls;

import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a TLS site link was refused. Each refusal is logged with its reason and counted in a metric tagged by it; the
 * names are the metric's tag values.
 */
public enum TlsRefusal {
  /** The certificate names another site than the hello claims (server) or than was dialled (client), or none. */
  WRONG_SITE,
  /** The certificate (or a CA of its chain) has expired, or is not valid yet. */
  EXPIRED,
  /** The certificate does not chain to {@code trusted-ca}. */
  UNKNOWN_CA,
  /** The client presented no certificate. */
  NO_CLIENT_CERT,
  /** The other end did not speak TLS. */
  NOT_TLS,
  /** The other end refused our certificate; its log says why. */
  REFUSED_BY_PEER,
  /** The TLS handshake failed for another reason (protocol version, ciphers, a cut connection). */
  HANDSHAKE_FAILED;

  /** The tag value of this reason in metrics. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The refusal {@code failure} stands for: ours ({@link TlsRefusedException} in its causes), or the JDK's words for
   * what the peer's TLS stack (or ours) decided; empty when it is no TLS failure.
   */
  public static Optional<TlsRefusedException> of(Throwable failure) {
    SSLException ssl = null;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TlsRefusedException refused) return Optional.of(refused);
      if (ssl == null && t instanceof SSLException e) ssl = e;
    }
    if (ssl == null) return Optional.empty();
    String message = String.valueOf(ssl.getMessage());
    return Optional.of(new TlsRefusedException(fromMessage(message), message));
  }

  private static TlsRefusal fromMessage(String message) {
    if (message.contains("Empty client certificate chain") || message.contains("certificate_required")) {
      return NO_CLIENT_CERT;
    }
    if (message.contains("certificate_expired")) return EXPIRED;
    if (message.contains("unknown_ca")) return UNKNOWN_CA;
    if (message.contains("bad_certificate") || message.contains("certificate_unknown")) return REFUSED_BY_PEER;
    if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext connection")) {
      return NOT_TLS;
    }
    return HANDSHAKE_FAILED;
  }
}
