package io.cfs.repl.transport.tls;

import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Chain validation against {@code trusted-ca} only (the JDK's PKIX, expiry included), with every refusal named by a
 * {@link TlsRefusal} so that logs and metrics can say why. The site a certificate names is checked by the link, which
 * knows the site the hello claims or the client dialled; no host name is checked (see {@link SiteIdentity}).
 */
final class SiteTrustManager extends X509ExtendedTrustManager {
  /** Checks a chain; the delegate's own refusal is a CertificateException. */
  @FunctionalInterface
  private interface Check {
    void run() throws CertificateException;
  }

  private final X509ExtendedTrustManager pkix;

  SiteTrustManager(X509ExtendedTrustManager pkix) {
    this.pkix = pkix;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /** Validates {@code chain} now, as a handshake would; the refusal's reason is in the exception's causes. */
  void validate(X509Certificate[] chain) throws CertificateException {
    // "UNKNOWN" is what TLS 1.3 passes: the key exchange no longer depends on the certificate's key type
    check(chain, () -> pkix.checkServerTrusted(chain, "UNKNOWN"));
  }

  private static void check(X509Certificate[] chain, Check delegate) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refused(TlsRefusal.NO_CLIENT_CERT, "no certificate presented");
    }
    X509Certificate leaf = chain[0];
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw refused(TlsRefusal.EXPIRED, describe(leaf) + " expired at " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw refused(TlsRefusal.EXPIRED, describe(leaf) + " is not valid before "
          + leaf.getNotBefore().toInstant() + " (now " + Instant.now() + ")");
    }
    try {
      delegate.run();
    } catch (CertificateException e) {
      boolean expired = e.getCause() instanceof CertPathValidatorException cpve
          && cpve.getReason() == CertPathValidatorException.BasicReason.EXPIRED;
      throw refused(expired ? TlsRefusal.EXPIRED : TlsRefusal.UNKNOWN_CA, describe(leaf)
          + (expired ? " chains to an expired CA: " : " does not chain to a trusted CA: ") + e.getMessage());
    }
  }

  private static String describe(X509Certificate certificate) {
    return "certificate " + certificate.getSubjectX500Principal().getName() + " (sites "
        + SiteIdentity.sites(certificate) + ", serial " + certificate.getSerialNumber().toString(16) + ")";
  }

  private static CertificateException refused(TlsRefusal reason, String detail) {
    return new CertificateException(detail, new TlsRefusedException(reason, detail));
  }
}
