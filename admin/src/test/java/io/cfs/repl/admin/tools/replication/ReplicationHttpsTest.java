package io.cfs.repl.admin.tools.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.transport.tls.DevPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin endpoint over HTTPS, the node's own PEM files by default: `cfs admin replication --cacert` reads it. */
class ReplicationHttpsTest {
  @TempDir
  static Path dir;
  private static AdminTestSites sites;
  private static DevPki.SiteFiles tls;

  /** What one run printed and returned. */
  private record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void start() throws Exception {
    tls = DevPki.create("test CA").issue(dir.resolve("tls"), "tls-a");
    sites = AdminTestSites.of(dir, "tls-a");
    // only the switch: the certificate and key are the site links' (cfs-repl.transport.tls)
    sites.start("tls-a", Map.of("cfs-repl.admin.https.enabled", true,
        "cfs-repl.transport.tls.insecure", false,
        "cfs-repl.transport.tls.certificate", tls.certificate().toString(),
        "cfs-repl.transport.tls.private-key", tls.privateKey().toString(),
        "cfs-repl.transport.tls.trusted-ca", tls.trustedCa().toString()));
  }

  @AfterAll
  static void stop() {
    sites.close();
  }

  @Test
  void statusOverHttpsWithTheCa() {
    URI admin = sites.admin("tls-a");
    assertThat(admin.getScheme()).isEqualTo("https");
    Run run = cfs("status", "--url", admin.toString(), "--cacert", tls.trustedCa().toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("site tls-a");
  }

  @Test
  void withoutTheCaTheCertificateIsRefused() {
    Run run = cfs("status", "--url", sites.admin("tls-a").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("cannot reach the admin API");
  }

  @Test
  void plainHttpToTheHttpsPortFails() {
    Run run = cfs("status", "--url", "http://127.0.0.1:" + sites.admin("tls-a").getPort(), "--cacert",
        tls.trustedCa().toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("cannot reach the admin API");
  }

  private static Run cfs(String... args) {
    List<String> all = new ArrayList<>(List.of("admin", "replication"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Cfs());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }
}
