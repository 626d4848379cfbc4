package io.cfs.repl.transport.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for trials: a CA made in memory, and site certificates it signs, written as the PEM files
 * {@code cfs-repl.transport.tls} reads. The demo, the it-tests harness and the tests run mutual TLS with it. Never for
 * production: the CA's key lives only as long as this object, and nothing revokes what it signed.
 */
public final class DevPki {
  /** Site certificates of the dev PKI last this long unless asked otherwise. */
  public static final Duration VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The three files of one site, as {@code cfs-repl.transport.tls} names them. */
  public record SiteFiles(Path certificate, Path privateKey, Path trustedCa) {
    public TlsSettings settings() {
      return TlsSettings.files(certificate, privateKey, trustedCa);
    }

    /** The {@code cfs-repl.transport.tls} keys pointing at these files. */
    public Map<String, Object> configKeys() {
      return Map.of(TlsSettings.CERTIFICATE, certificate.toString(), TlsSettings.PRIVATE_KEY, privateKey.toString(),
          TlsSettings.TRUSTED_CA, trustedCa.toString());
    }
  }

  /**
   * What one certificate says.
   *
   * @param sites the sites its SAN URIs name
   * @param notBefore start of validity
   * @param notAfter end of validity
   * @param keyAlgorithm "EC" (P-256) or "RSA" (2048 bits)
   */
  public record Request(List<String> sites, Instant notBefore, Instant notAfter, String keyAlgorithm) {
    public Request {
      sites = List.copyOf(sites);
    }

    /** A certificate of {@code site} valid from an hour ago for {@link #VALIDITY}, with an EC key. */
    public static Request of(String site) {
      Instant now = Instant.now();
      return new Request(List.of(site), now.minus(Duration.ofHours(1)), now.plus(VALIDITY), "EC");
    }

    public Request valid(Instant from, Instant until) {
      return new Request(sites, from, until, keyAlgorithm);
    }

    public Request naming(String... otherSites) {
      return new Request(List.of(otherSites), notBefore, notAfter, keyAlgorithm);
    }

    public Request withKey(String algorithm) {
      return new Request(sites, notBefore, notAfter, algorithm);
    }
  }

  private final KeyPair caKeys;
  private final X509Certificate ca;

  private DevPki(KeyPair caKeys, X509Certificate ca) {
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** A new CA named {@code name}, valid from a day ago for ten years. */
  public static DevPki create(String name) {
    KeyPair keys = keyPair("EC");
    X500Name subject = new X500Name("CN=" + name + ",O=cfs-repl dev PKI");
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject,
          keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new DevPki(keys, sign(builder, keys));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the dev CA certificate", e);
    }
  }

  public X509Certificate ca() {
    return ca;
  }

  /** Writes the CA certificate to {@code file} (a trusted-ca bundle of one). */
  public void writeCa(Path file) {
    write(file, pem("CERTIFICATE", encoded(ca)), false);
  }

  /** Writes {@code dir}/{@code site}.crt, {@code site}.key and ca.crt for a certificate of {@code site}. */
  public SiteFiles issue(Path dir, String site) {
    return issue(dir, site, Request.of(site));
  }

  /** Writes {@code dir}/{@code stem}.crt, {@code stem}.key (owner-only) and ca.crt for {@code request}. */
  public SiteFiles issue(Path dir, String stem, Request request) {
    KeyPair keys = keyPair(request.keyAlgorithm());
    X509Certificate certificate = certificate(request, keys);
    SiteFiles files = new SiteFiles(dir.resolve(stem + ".crt"), dir.resolve(stem + ".key"), dir.resolve("ca.crt"));
    write(files.certificate(), pem("CERTIFICATE", encoded(certificate)), false);
    write(files.privateKey(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
    writeCa(files.trustedCa());
    return files;
  }

  private X509Certificate certificate(Request request, KeyPair keys) {
    // the site URIs, and the loopback names HTTPS clients of the demo and the tests verify
    GeneralName[] names = new GeneralName[request.sites().size() + 2];
    for (int i = 0; i < request.sites().size(); i++) {
      names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, SiteIdentity.uri(request.sites().get(i)));
    }
    names[names.length - 2] = new GeneralName(GeneralName.dNSName, "localhost");
    names[names.length - 1] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    X500Name subject = new X500Name("CN=" + String.join(" ", request.sites()) + ",O=cfs-repl dev PKI");
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), serial(),
          Date.from(request.notBefore()), Date.from(request.notAfter()), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
              | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      return sign(builder, caKeys);
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build a dev certificate for " + request.sites(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a dev certificate", e);
    }
  }

  private static KeyPair keyPair(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator.initialize(2048, RANDOM);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot make a " + algorithm + " key", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** Writes through a temp file and a rename, so a reloading node never reads half a file. */
  private static void write(Path file, String text, boolean ownerOnly) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".dev-pki", ".tmp");
      if (ownerOnly) Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
