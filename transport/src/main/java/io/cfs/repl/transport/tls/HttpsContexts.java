package io.cfs.repl.transport.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * SSL contexts of the HTTP surfaces (ingest, admin) and their clients, from the same PEM files as site links. A
 * listener presents its certificate and asks for none (clients authenticate with the bearer token); a client trusts
 * the CAs of one PEM bundle. Failures are {@link IllegalArgumentException}s naming the setting and the file.
 */
public final class HttpsContexts {
  private HttpsContexts() {}

  /**
   * A server's context: {@code certificate} (with its chain) and its {@code privateKey}.
   *
   * @param certificateSetting the setting {@code certificate} came from, named in errors
   * @param keySetting the setting {@code privateKey} came from, named in errors
   */
  public static SSLContext server(Path certificate, String certificateSetting, Path privateKey, String keySetting) {
    List<X509Certificate> chain = PemFiles.certificates(certificateSetting, certificate,
        PemFiles.read(certificateSetting, certificate));
    PrivateKey key = PemFiles.privateKey(keySetting, privateKey, PemFiles.read(keySetting, privateKey));
    if (!TlsMaterial.belongTogether(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(keySetting + ": the key in " + privateKey
          + " does not belong to the certificate in " + certificate + " (" + certificateSetting + ")");
    }
    return context(new KeyManager[] {new SiteKeyManager(key, chain.toArray(X509Certificate[]::new))}, null,
        keySetting);
  }

  /** A client's context trusting only the CA certificates in {@code caFile} (a PEM bundle). */
  public static SSLContext trusting(Path caFile, String setting) {
    List<X509Certificate> authorities = PemFiles.certificates(setting, caFile, PemFiles.read(setting, caFile));
    return context(null, new TrustManager[] {TlsMaterial.pkix(authorities, setting, caFile)}, setting);
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust, String setting) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + ": cannot build a TLS context: " + e, e);
    }
  }
}
