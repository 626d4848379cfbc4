package io.cfs.repl.admin.server.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.tls.DevPki;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsSettingsTest {
  @TempDir
  Path dir;

  @Test
  void offByDefault() {
    assertThat(HttpsSettings.create(config(Map.of()), "cfs-repl.ingest").enabled()).isFalse();
  }

  @Test
  void onTakesTheSiteLinksFilesUnlessItNamesItsOwn() {
    DevPki pki = DevPki.create("test CA");
    DevPki.SiteFiles links = pki.issue(dir, "site-a");
    DevPki.SiteFiles own = pki.issue(dir.resolve("own"), "site-a");
    Map<String, Object> keys = Map.of("cfs-repl.ingest.https.enabled", true,
        "cfs-repl.transport.tls.certificate", links.certificate().toString(),
        "cfs-repl.transport.tls.private-key", links.privateKey().toString(),
        "cfs-repl.admin.https.enabled", true,
        "cfs-repl.admin.https.certificate", own.certificate().toString(),
        "cfs-repl.admin.https.private-key", own.privateKey().toString());
    assertThat(HttpsSettings.create(config(keys), "cfs-repl.ingest").certificate()).contains(links.certificate());
    assertThat(HttpsSettings.create(config(keys), "cfs-repl.admin").certificate()).contains(own.certificate());
  }

  @Test
  void onWithoutFilesIsRefusedNamingBothPlaces() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpsSettings.create(
        config(Map.of("cfs-repl.admin.https.enabled", true)), "cfs-repl.admin"));
    assertThat(e.getMessage()).contains("cfs-repl.admin.https.certificate")
        .contains("cfs-repl.transport.tls.certificate");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    DevPki pki = DevPki.create("test CA");
    DevPki.SiteFiles a = pki.issue(dir, "site-a");
    DevPki.SiteFiles b = pki.issue(dir.resolve("b"), "site-a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpsSettings.create(
        config(Map.of("cfs-repl.ingest.https.enabled", true,
            "cfs-repl.ingest.https.certificate", a.certificate().toString(),
            "cfs-repl.ingest.https.private-key", b.privateKey().toString())), "cfs-repl.ingest"));
    assertThat(e.getMessage()).contains("cfs-repl.ingest.https.private-key").contains(b.privateKey().toString());
  }

  private static Config config(Map<String, Object> keys) {
    return ConfigFactory.parseMap(keys).withFallback(ConfigFactory.defaultReference()).resolve();
  }
}
