package io.cfs.repl.admin.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cfs.repl.admin.server.ingest.IngestTestNode;
import io.cfs.repl.admin.tools.CapturedRun;
import io.cfs.repl.model.entry.JournalEntry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cfs load} against a real node: both transports continue from the heads and record what was acknowledged. */
class LoadCommandTest {
  @TempDir
  static Path dir;
  private static IngestTestNode node;
  private static URI ingest;
  private static URI guarded;

  @BeforeAll
  static void start() throws Exception {
    node = IngestTestNode.start(dir.resolve("node"));
    ingest = node.listen(Map.of());
    guarded = node.listen(Map.of("token", "s3cret"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static int load(String... extra) {
    String[] base = {"--node", ingest.toString(), "--site", IngestTestNode.SITE, "--count", "3000", "--shards", "4",
        "--inodes", "500", "--batch", "100", "--history", dir.resolve("history.tsv").toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return new CommandLine(new LoadCommand()).execute(args);
  }

  @Test
  void streamThenJsonContinueEachShardAndRecordEveryAcknowledgedEntry() throws Exception {
    long before = written();
    assertThat(load()).isZero();
    assertThat(load("--json", "--seed", "7")).isZero();

    assertThat(written() - before).isEqualTo(6000);
    List<String> history = Files.readAllLines(dir.resolve("history.tsv"));
    assertThat(history).hasSize(6000).doesNotHaveDuplicates();
    String[] last = history.get(history.size() - 1).split("\t");
    assertThat(last).hasSize(7);
    JournalEntry held = node.node.journal().read(Integer.parseInt(last[1]), Long.parseLong(last[2]), 1).get(0);
    assertThat(last).containsExactly(held.originSite(), String.valueOf(held.shard()), String.valueOf(held.seq()),
        String.valueOf(held.hlc()), held.op().name(), String.valueOf(held.inodeId()), String.valueOf(held.crc()));
  }

  private static long written() throws Exception {
    return node.heads().values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void optionsThatCouldNeverFinishAreRefusedBeforeAnythingIsSent() throws Exception {
    long before = written();
    String[][] refused = {{"--batch", "0"}, {"--in-flight", "0"}, {"--rate", "100", "--pacing-ms", "0"}};
    for (String[] bad : refused) {
      String[] args = new String[4 + bad.length];
      System.arraycopy(new String[] {"--node", ingest.toString(), "--site", IngestTestNode.SITE}, 0, args, 0, 4);
      System.arraycopy(bad, 0, args, 4, bad.length);
      CapturedRun run = CapturedRun.of(new LoadCommand(), args);
      assertThat(run.exit()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(run.out()).contains("must be at least 1");
    }
    assertThat(written()).isEqualTo(before);
  }

  /** The stream's upgrade carries the bearer token (the load's own WebSocket client, against the real listener). */
  @Test
  void theStreamCarriesTheToken() throws Exception {
    long before = written();
    CapturedRun run = CapturedRun.of(new LoadCommand(), "--node", guarded.toString(), "--site",
        IngestTestNode.SITE, "--count", "500", "--shards", "2", "--batch", "50", "--token", "s3cret");
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(written() - before).isEqualTo(500);
  }

  /**
   * A refused batch ends the load with an error naming the refusal, however many batches are in flight: the refused
   * one's own answer used to be taken and never settled, so the load waited for it forever.
   */
  @Test
  void aRefusedStreamedBatchEndsTheLoadWithTheRefusal() {
    CapturedRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CapturedRun.of(new LoadCommand(),
        "--node", ingest.toString(), "--site", "site-z", "--count", "2000", "--shards", "2", "--batch", "100",
        "--in-flight", "8"));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("load failed after 0 acknowledged entries")
        .contains("node refused the batch").contains("site-z");
  }
}
