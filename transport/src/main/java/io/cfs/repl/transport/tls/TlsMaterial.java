package io.cfs.repl.transport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One validated set of this node's TLS files and the SSL context built from them. Loading refuses (with an
 * {@link IllegalArgumentException} naming the setting and the file) a file that is missing, unreadable or unparseable,
 * a key that does not belong to the certificate, or a certificate that does not name this node's site. A certificate
 * that peers will refuse (expired, or not chaining to {@code trusted-ca}) is loaded, with the reason in
 * {@code peersWillRefuse}: it is the peers' CA that decides, and an expired certificate still serves as long as the
 * operator is replacing it.
 *
 * @param files what was read, to notice a change
 * @param peersWillRefuse why peers trusting the same CAs will refuse this certificate; null when they will not
 */
record TlsMaterial(X509Certificate certificate, SSLContext context, FileContents files, String peersWillRefuse) {
  static final String TLS_1_3 = "TLSv1.3";

  /** The bytes of the three files, compared on every reload tick. */
  record FileContents(byte[] certificate, byte[] privateKey, byte[] trustedCa) {
    static FileContents read(TlsSettings settings) {
      return new FileContents(PemFiles.read(TlsSettings.CERTIFICATE, settings.certificate().orElseThrow()),
          PemFiles.read(TlsSettings.PRIVATE_KEY, settings.privateKey().orElseThrow()),
          PemFiles.read(TlsSettings.TRUSTED_CA, settings.trustedCa().orElseThrow()));
    }

    boolean sameAs(FileContents other) {
      return Arrays.equals(certificate, other.certificate)
          && Arrays.equals(privateKey, other.privateKey)
          && Arrays.equals(trustedCa, other.trustedCa);
    }
  }

  static TlsMaterial load(TlsSettings settings, String site) {
    return load(settings, site, FileContents.read(settings));
  }

  static TlsMaterial load(TlsSettings settings, String site, FileContents files) {
    Path certFile = settings.certificate().orElseThrow();
    Path keyFile = settings.privateKey().orElseThrow();
    Path caFile = settings.trustedCa().orElseThrow();
    List<X509Certificate> chain = PemFiles.certificates(TlsSettings.CERTIFICATE, certFile, files.certificate());
    PrivateKey key = PemFiles.privateKey(TlsSettings.PRIVATE_KEY, keyFile, files.privateKey());
    List<X509Certificate> authorities = PemFiles.certificates(TlsSettings.TRUSTED_CA, caFile, files.trustedCa());
    X509Certificate leaf = chain.get(0);
    if (!belongTogether(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(TlsSettings.PRIVATE_KEY + ": the key in " + keyFile
          + " does not belong to the certificate in " + certFile + " (" + TlsSettings.CERTIFICATE + ")");
    }
    if (!SiteIdentity.sites(leaf).contains(site)) {
      throw new IllegalArgumentException(TlsSettings.CERTIFICATE + ": the certificate in " + certFile
          + " names sites " + SiteIdentity.sites(leaf) + " (SAN URIs " + SiteIdentity.URI_PREFIX
          + "...), not this node's site " + site);
    }
    SiteTrustManager trust = new SiteTrustManager(pkix(authorities, TlsSettings.TRUSTED_CA, caFile));
    String peersWillRefuse = null;
    try {
      trust.validate(chain.toArray(X509Certificate[]::new));
    } catch (CertificateException e) {
      peersWillRefuse = "the certificate in " + certFile + " fails " + TlsSettings.TRUSTED_CA + " " + caFile + ": "
          + e.getMessage();
    }
    return new TlsMaterial(leaf, context(key, chain, trust), files, peersWillRefuse);
  }

  /** An engine of this context for one connection: TLS 1.3 only; a server requires the client's certificate. */
  SSLEngine engine(boolean client) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(client);
    engine.setEnabledProtocols(new String[] {TLS_1_3});
    if (!client) engine.setNeedClientAuth(true);
    return engine;
  }

  static X509ExtendedTrustManager pkix(List<X509Certificate> authorities, String setting, Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) return x509;
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(setting + ": cannot use the CAs in " + caFile + ": " + e, e);
    }
  }

  private static SSLContext context(PrivateKey key, List<X509Certificate> chain, SiteTrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance(TLS_1_3);
      context.init(new KeyManager[] {new SiteKeyManager(key, chain.toArray(X509Certificate[]::new))},
          new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(TlsSettings.PRIVATE_KEY + ": cannot build a TLS context from the key and"
          + " certificate: " + e, e);
    }
  }

  /** Signs with the key and verifies with the certificate's public key: works for every key type. */
  static boolean belongTogether(PrivateKey key, PublicKey certified) {
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) return false;
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    byte[] probe = "cfs-repl key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
