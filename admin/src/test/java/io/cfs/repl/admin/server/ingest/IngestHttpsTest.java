package io.cfs.repl.admin.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.admin.tools.https.HttpClients;
import io.cfs.repl.transport.tls.DevPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The ingest listener over HTTPS: `cfs load --cacert` writes through it; plain HTTP to its port gets nothing. */
class IngestHttpsTest {
  @TempDir
  Path dir;
  private IngestTestNode node;
  private DevPki.SiteFiles tls;
  private URI https;

  @BeforeEach
  void start() throws Exception {
    tls = DevPki.create("test CA").issue(dir.resolve("tls"), IngestTestNode.SITE);
    node = IngestTestNode.start(dir.resolve("node"));
    https = node.listen(Map.of("https.enabled", true, "https.certificate", tls.certificate().toString(),
        "https.private-key", tls.privateKey().toString()));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void loadWritesOverHttpsTrustingTheGivenCa() {
    assertThat(https.getScheme()).isEqualTo("https");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Cfs());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("load", "--node", https.toString(), "--cacert", tls.trustedCa().toString(),
        "--site", IngestTestNode.SITE, "--count", "20", "--batch", "10", "--shards", "2", "--json");

    assertThat(code).as(err.toString()).isZero();
    assertThat(node.heads().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
  }

  /** The binary stream's own WebSocket client over TLS: the CA given, the host name checked. */
  @Test
  void loadStreamsOverHttpsTrustingTheGivenCa() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Cfs());
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("load", "--node", https.toString(), "--cacert", tls.trustedCa().toString(),
        "--site", IngestTestNode.SITE, "--count", "300", "--batch", "50", "--shards", "2");

    assertThat(code).as(err.toString()).isZero();
    assertThat(node.heads().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
  }

  @Test
  void aClientWithoutTheCaRefusesTheListenersCertificate() {
    assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(https.resolve("/journal/heads")).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void plainHttpToTheHttpsPortFails() {
    URI plain = URI.create("http://127.0.0.1:" + https.getPort() + "/journal/heads");
    HttpClient client = HttpClients.builder(tls.trustedCa()).build();
    assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(plain).build(),
        HttpResponse.BodyHandlers.ofString()));
  }
}
