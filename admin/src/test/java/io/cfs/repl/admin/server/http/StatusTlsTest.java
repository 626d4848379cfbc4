package io.cfs.repl.admin.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.transport.tls.DevPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /replication/status of links over mutual TLS: the connection, the peer's certificate, a refusal's reason. */
class StatusTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void aLinkOverMutualTlsShowsMtlsAndThePeersCertificate() throws Exception {
    DevPki pki = DevPki.create("test CA");
    try (AdminTestSites sites = AdminTestSites.of(dir, "site-a", "site-b")) {
      sites.start("site-a", tls(pki.issue(dir.resolve("tls"), "site-a")));
      sites.start("site-b", tls(pki.issue(dir.resolve("tls"), "site-b")));

      await().atMost(WAIT).untilAsserted(() -> {
        JsonNode link = sites.peerStatus("site-a", "site-b");
        assertThat(link.path("state").asText()).isEqualTo("CONNECTED");
        assertThat(link.path("connection").asText()).isEqualTo("mtls");
        assertThat(link.path("peerCertificate").path("sites").get(0).asText()).isEqualTo("site-b");
        assertThat(link.path("peerCertificate").path("notAfterMillis").asLong())
            .isGreaterThan(System.currentTimeMillis());
      });
    }
  }

  @Test
  void aPeerOfAnotherCaIsRefusedAndTheDiallingSideShowsWhy() throws Exception {
    try (AdminTestSites sites = AdminTestSites.of(dir, "site-a", "site-b")) {
      sites.start("site-a", tls(DevPki.create("CA of a").issue(dir.resolve("a"), "site-a")));
      sites.start("site-b", tls(DevPki.create("CA of b").issue(dir.resolve("b"), "site-b")));

      await().atMost(WAIT).untilAsserted(() -> {
        JsonNode link = sites.peerStatus("site-a", "site-b");
        assertThat(link.path("state").asText()).isNotEqualTo("CONNECTED");
        assertThat(link.path("connection").asText()).isEqualTo("mtls");
        assertThat(link.path("lastError").asText()).contains("UNKNOWN_CA");
      });
    }
  }

  private static Map<String, Object> tls(DevPki.SiteFiles files) {
    Map<String, Object> keys = new HashMap<>(files.configKeys());
    keys.put("cfs-repl.transport.tls.insecure", false);
    return keys;
  }
}
