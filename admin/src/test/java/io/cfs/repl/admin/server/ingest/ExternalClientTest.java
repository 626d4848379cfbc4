package io.cfs.repl.admin.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that is not Java: a standard-library Python script computes CRC32C itself and writes both encodings, as
 * the README documents them, so the documented layouts are the ones the node reads.
 */
class ExternalClientTest {
  @TempDir
  Path dir;

  @Test
  void pythonClientPostsJsonAndBinaryBatches() throws Exception {
    assumeTrue(python3Present(), "python3 is not installed");
    Path script = Path.of(getClass().getResource("/ingest_client.py").toURI());
    try (IngestTestNode node = IngestTestNode.start(dir)) {
      URI ingest = node.listen(Map.of());
      Process client = new ProcessBuilder("python3", script.toString(), ingest.toString(), IngestTestNode.SITE,
          "7", "1").redirectErrorStream(true).start();
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
      List<String> lines = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
          .toList();
      assertThat(client.exitValue()).as(String.join("\n", lines)).isZero();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).startsWith("200 ").contains("\"written\":3");
      assertThat(lines.get(1)).startsWith("200 ").contains("\"written\":3").contains("\"7\":6");
      assertThat(node.heads()).containsEntry(7, 6L);
      assertThat(node.node.journal().read(7, 1, 10)).extracting(e -> e.inodeId())
          .containsExactly(1001L, 1002L, 1003L, 1004L, 1005L, 1006L);
    }
  }

  private static boolean python3Present() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException absent) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
