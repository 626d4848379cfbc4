package io.cfs.repl.admin.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.transport.tls.DevPki;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `cfs node` refuses TLS settings it cannot run with before anything starts: exit 2, "bad config: ...". */
class NodeCommandTlsTest {
  @TempDir
  Path dir;

  /** What one run returned and wrote to stderr. */
  private record Run(int code, String err) {
  }

  @Test
  void neitherTlsFilesNorInsecureIsRefusedNamingBothOptions() throws Exception {
    Run run = node("cfs-repl.transport.tls.insecure = false\n");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("bad config: ").contains("cfs-repl.transport.tls.certificate")
        .contains("insecure = true");
  }

  @Test
  void aCertificateOfAnotherSiteIsRefusedNamingTheFile() throws Exception {
    DevPki.SiteFiles other = DevPki.create("test CA").issue(dir.resolve("tls"), "site-z");
    Run run = node("cfs-repl.transport.tls {\n  insecure = false\n  certificate = \"" + other.certificate()
        + "\"\n  private-key = \"" + other.privateKey() + "\"\n  trusted-ca = \"" + other.trustedCa() + "\"\n}\n");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("bad config: ").contains("cfs-repl.transport.tls.certificate")
        .contains(other.certificate().toString()).contains("site-a");
  }

  @Test
  void adminHttpsWithoutFilesIsRefused() throws Exception {
    Run run = node("cfs-repl.admin.https.enabled = on\n");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("cfs-repl.admin.https.certificate");
  }

  private Run node(String tls) throws Exception {
    Path config = Files.writeString(dir.resolve("node.conf"), "cfs-repl.node {\n  site-id = \"site-a\"\n"
        + "  data-dir = \"" + dir.resolve("data") + "\"\n  link { port = 0 }\n}\n" + tls);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Cfs()).execute("node", "--config", config.toString());
      return new Run(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
