package io.cfs.repl.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code cfs-repl.transport.tls} with the JDK alone. Every failure is an
 * {@link IllegalArgumentException} naming the setting and the file.
 */
final class PemFiles {
  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  /** PKCS#8 carries the algorithm; these are the ones a site key may use. */
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

  private PemFiles() {}

  /** The certificates in {@code bytes}, read from {@code file}, in file order: at least one. */
  static List<X509Certificate> certificates(String key, Path file, byte[] bytes) {
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes)).stream()
          .map(c -> (X509Certificate) c).toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(key + ": no certificate in " + file);
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(key + ": " + file + " holds no readable PEM certificate: "
          + e.getMessage(), e);
    }
  }

  /** The unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) in {@code bytes}, read from {@code file}: EC, RSA or Ed25519. */
  static PrivateKey privateKey(String key, Path file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(key + ": " + file + " holds no unencrypted PKCS#8 key (a block"
          + " \"BEGIN PRIVATE KEY\"; convert others with: openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + file + " holds a private key that is not valid base64", e);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // PKCS#8 names its algorithm, but the JDK asks for it up front: the next factory may read it
      }
    }
    throw new IllegalArgumentException(key + ": " + file + " holds a private key that is neither "
        + String.join(", ", KEY_ALGORITHMS));
  }

  /** The bytes of {@code file}, the value of setting {@code key}. */
  static byte[] read(String key, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + " (" + e + ")", e);
    }
  }
}
