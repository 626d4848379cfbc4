package io.cfs.repl.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node refuses to start with, before anything starts: each message names the setting and the file. */
class LinkSecurityConfigTest {
  @TempDir
  Path dir;
  private DevPki pki;
  private DevPki.SiteFiles siteA;

  @BeforeEach
  void issue() {
    pki = DevPki.create("test CA");
    siteA = pki.issue(dir, "site-a");
  }

  @Test
  void goodFilesPassForTheSiteTheyName() {
    LinkSecurity.check(siteA.settings(), "site-a");
  }

  @Test
  void rsaKeysWorkToo() {
    LinkSecurity.check(pki.issue(dir, "rsa", DevPki.Request.of("site-a").withKey("RSA")).settings(), "site-a");
  }

  @Test
  void neitherFilesNorInsecureIsRefusedNamingBothOptions() {
    TlsSettings none = TlsSettings.create(ConfigFactory.defaultReference());
    String message = refused(none, "site-a");
    assertThat(message).contains("cfs-repl.transport.tls.certificate").contains("cfs-repl.transport.tls.insecure");
  }

  @Test
  void insecureAloneIsAccepted() {
    TlsSettings insecure = TlsSettings.create(ConfigFactory.parseString("cfs-repl.transport.tls.insecure = true")
        .withFallback(ConfigFactory.defaultReference()));
    LinkSecurity.check(insecure, "site-a");
  }

  @Test
  void filesTogetherWithInsecureAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TlsSettings(
        Optional.of(siteA.certificate()), Optional.of(siteA.privateKey()), Optional.of(siteA.trustedCa()), true,
        siteA.settings().reloadInterval(), siteA.settings().expiryWarning()));
    assertThat(e.getMessage()).contains("insecure").contains("not both");
  }

  @Test
  void someFilesWithoutTheOthersAreRefusedNamingTheMissingKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsSettings.create(
        ConfigFactory.parseString("cfs-repl.transport.tls.certificate = \"" + siteA.certificate() + "\"")
            .withFallback(ConfigFactory.defaultReference())));
    assertThat(e.getMessage()).contains("cfs-repl.transport.tls.private-key").contains("trusted-ca");
  }

  @Test
  void aMissingFileIsRefusedNamingKeyAndFile() {
    Path missing = dir.resolve("nope.crt");
    String message = refused(new DevPki.SiteFiles(missing, siteA.privateKey(), siteA.trustedCa()).settings(),
        "site-a");
    assertThat(message).contains("cfs-repl.transport.tls.certificate").contains(missing.toString());
  }

  @Test
  void anUnparseableCertificateIsRefused() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
    String message = refused(new DevPki.SiteFiles(garbage, siteA.privateKey(), siteA.trustedCa()).settings(),
        "site-a");
    assertThat(message).contains("cfs-repl.transport.tls.certificate").contains(garbage.toString());
  }

  @Test
  void aKeyInAnotherFormIsRefusedWithHowToConvertIt() throws IOException {
    Path rsaKey = Files.writeString(dir.resolve("old.key"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    String message = refused(new DevPki.SiteFiles(siteA.certificate(), rsaKey, siteA.trustedCa()).settings(),
        "site-a");
    assertThat(message).contains("cfs-repl.transport.tls.private-key").contains(rsaKey.toString())
        .contains("pkcs8");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    DevPki.SiteFiles other = pki.issue(dir.resolve("other"), "site-a");
    String message = refused(new DevPki.SiteFiles(siteA.certificate(), other.privateKey(), siteA.trustedCa())
        .settings(), "site-a");
    assertThat(message).contains("cfs-repl.transport.tls.private-key").contains(other.privateKey().toString())
        .contains("does not belong");
  }

  @Test
  void aCertificateOfAnotherSiteIsRefused() {
    String message = refused(siteA.settings(), "site-b");
    assertThat(message).contains("cfs-repl.transport.tls.certificate").contains(siteA.certificate().toString())
        .contains("[site-a]").contains("site-b");
  }

  private static String refused(TlsSettings settings, String site) {
    return assertThrows(IllegalArgumentException.class, () -> LinkSecurity.check(settings, site)).getMessage();
  }
}
