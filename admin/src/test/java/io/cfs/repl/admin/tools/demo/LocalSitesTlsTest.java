package io.cfs.repl.admin.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sites started as the demo starts them run their links over mutual TLS, and status says so. */
class LocalSitesTlsTest {
  @TempDir
  Path dir;

  @Test
  void linksConnectOverMutualTlsAndStatusShowsThePeersCertificate() throws Exception {
    try (LocalSites sites = LocalSites.start(List.of("site-a", "site-b"), dir, Map.<String, ApplyListener>of())) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<ReplicatorStatus> status = SiteProgress.status(sites.node("site-a"));
        assertThat(status).singleElement().satisfies(s -> {
          assertThat(s.state()).isEqualTo(LinkState.CONNECTED);
          assertThat(s.connection()).isEqualTo("mtls");
          assertThat(s.peerCertificate().sites()).containsExactly("site-b");
          assertThat(s.peerCertificate().notAfterMillis()).isGreaterThan(System.currentTimeMillis());
        });
      });
    }
  }
}
