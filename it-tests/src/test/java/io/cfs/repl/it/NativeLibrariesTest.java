package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.NodeSpec;
import io.cfs.repl.it.harness.SiteCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Node JVMs, killed with kill -9 after replicating (RocksDB journal and store, LZ4 frames on the link), leave nothing
 * in their temp directory but the one shared copy of RocksDB's library: no extracted library per JVM (before, every
 * JVM start left a 17 MB {@code librocksdbjni*.so} and a {@code liblz4-java*.so} behind).
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class NativeLibrariesTest {
  private static final String A = "site-a";
  private static final String B = "site-b";

  @Test
  void killedNodeJvmsLeaveOnlyTheSharedCopyOfRocksDbsLibrary(ItContext it) throws Exception {
    Path tmp = Files.createDirectories(it.dataDir().resolve("jvm-tmp"));
    List<String> flags = new ArrayList<>(NodeSpec.DEFAULT_JVM_FLAGS);
    flags.add("-Djava.io.tmpdir=" + tmp);
    SiteCluster cluster = it.topology(A, B).jvmFlags(flags).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));

    List<IngestEntry> batch = new ArrayList<>();
    byte[] payload = new byte[200];
    Arrays.fill(payload, (byte) 'x'); // compressible: the link's frames go through LZ4
    for (int seq = 1; seq <= 100; seq++) {
      batch.add(IngestEntry.of(A, 0, seq, System.currentTimeMillis() * 1_000_000L + seq, "WRITE", seq, payload));
    }
    cluster.ingest(A).append(batch, Duration.ofSeconds(10));
    await("the batch applied on " + B).atMost(Duration.ofSeconds(30))
        .until(() -> cluster.admin(B).inode(100).isPresent());
    cluster.nodes().forEach(NodeProcess::kill);
    cluster.node(A).restart(); // a second start reuses the copy
    cluster.node(A).kill();

    try (Stream<Path> files = Files.walk(tmp)) {
      List<String> left = files.filter(Files::isRegularFile).map(f -> tmp.relativize(f).toString()).toList();
      assertThat(left).as("files in the node JVMs' temp directory")
          .noneMatch(f -> f.startsWith("lib"))
          .filteredOn(f -> f.endsWith(".so")).hasSize(1)
          .allMatch(f -> f.startsWith("cfs-repl-native/") && f.contains("/librocksdb"));
    }
  }
}
