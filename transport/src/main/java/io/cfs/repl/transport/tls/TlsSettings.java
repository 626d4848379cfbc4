package io.cfs.repl.transport.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How this node secures its site links, read once from {@code cfs-repl.transport.tls} (documented key by key in this
 * module's {@code reference.conf}). The record checks its own shape (all three files or none, positive durations);
 * whether a node may run with neither files nor {@code insecure} is decided by {@link LinkSecurity#create}, since
 * transport tests build settings without either.
 *
 * @param certificate PEM file with this site's certificate (and optionally its intermediates), if TLS is configured
 * @param privateKey PEM file with the certificate's PKCS#8 private key
 * @param trustedCa PEM bundle of the CA certificates a peer's certificate must chain to
 * @param insecure plain TCP, unencrypted and unauthenticated, asked for explicitly
 * @param reloadInterval how often the three files are read again to notice a new certificate
 * @param expiryWarning how long before a certificate (ours or a peer's) expires a warning is logged
 */
public record TlsSettings(Optional<Path> certificate, Optional<Path> privateKey, Optional<Path> trustedCa,
                          boolean insecure, Duration reloadInterval, Duration expiryWarning) {
  static final String PREFIX = "cfs-repl.transport.tls.";
  static final String CERTIFICATE = PREFIX + "certificate";
  static final String PRIVATE_KEY = PREFIX + "private-key";
  static final String TRUSTED_CA = PREFIX + "trusted-ca";
  static final String INSECURE = PREFIX + "insecure";

  public TlsSettings {
    List<String> missing = new ArrayList<>();
    if (certificate.isEmpty()) missing.add(CERTIFICATE);
    if (privateKey.isEmpty()) missing.add(PRIVATE_KEY);
    if (trustedCa.isEmpty()) missing.add(TRUSTED_CA);
    if (!missing.isEmpty() && missing.size() < 3) {
      throw new IllegalArgumentException("TLS on site links needs " + CERTIFICATE + ", " + PRIVATE_KEY + " and "
          + TRUSTED_CA + " together; missing: " + String.join(", ", missing));
    }
    if (missing.isEmpty() && insecure) {
      throw new IllegalArgumentException(INSECURE + " = true together with TLS files (" + CERTIFICATE
          + " ...): set one or the other, not both");
    }
    requirePositive(reloadInterval, "reload-interval");
    requirePositive(expiryWarning, "expiry-warning");
  }

  /** Settings of a node that uses TLS with these files and the reference intervals. */
  public static TlsSettings files(Path certificate, Path privateKey, Path trustedCa) {
    return new TlsSettings(Optional.of(certificate), Optional.of(privateKey), Optional.of(trustedCa), false,
        Duration.ofSeconds(5), Duration.ofDays(14));
  }

  /** Reads and validates {@code cfs-repl.transport.tls}; errors name the offending key. */
  public static TlsSettings create(Config root) {
    try {
      return new TlsSettings(path(root, CERTIFICATE), path(root, PRIVATE_KEY), path(root, TRUSTED_CA),
          root.getBoolean(INSECURE), root.getDuration(PREFIX + "reload-interval"),
          root.getDuration(PREFIX + "expiry-warning"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid transport TLS setting: " + e.getMessage(), e);
    }
  }

  /** Whether the three files are configured. */
  public boolean configured() {
    return certificate.isPresent();
  }

  private static Optional<Path> path(Config root, String key) {
    if (!root.hasPath(key) || root.getString(key).isBlank()) return Optional.empty();
    return Optional.of(Path.of(root.getString(key)));
  }

  private static void requirePositive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(PREFIX + key + " must be a positive duration, was " + value);
    }
  }
}
