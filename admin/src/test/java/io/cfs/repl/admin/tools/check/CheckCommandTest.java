package io.cfs.repl.admin.tools.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.admin.tools.CapturedRun;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.HybridClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cfs check} against two real sites: converged sites pass; a lost write and a diverged store fail. */
class CheckCommandTest {
  @TempDir
  Path dir;

  @Test
  void passesOnConvergedSitesAndNamesEveryDifference() throws Exception {
    try (AdminTestSites sites = AdminTestSites.of(dir, "chk-a", "chk-b")) {
      sites.start("chk-a");
      sites.start("chk-b");
      Path historyA = write(sites, "chk-a", 0);
      Path historyB = write(sites, "chk-b", 1); // same inodes from the other site: LWW decides
      String nodes = sites.admin("chk-a") + "," + sites.admin("chk-b");
      String histories = historyA + "," + historyB;

      CapturedRun ok = run("--history", histories, "--nodes", nodes, "--timeout", "60");
      assertThat(ok.exit()).as(ok.out()).isZero();
      assertThat(ok.out()).contains("OK: every acknowledged entry took effect on every site");

      // An acknowledged write no site holds: a lost entry must be reported on both sites.
      Path lost = dir.resolve("lost.history");
      Files.writeString(lost, "chk-a\t0\t999\t" + Long.MAX_VALUE / 2 + "\tWRITE\t7\t0\n");
      CapturedRun missing = run("--history", histories + "," + lost, "--nodes", nodes, "--timeout", "60");
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.out()).contains("inode 7: expected").contains("FAILED: 2 differences");

      // One site's store diverges behind replication's back: the digests disagree.
      sites.node("chk-b").store().apply("chk-x", List.of(JournalEntry.of("chk-x", 0, 1, 1, Op.CREATE, 123_456, 1,
          new byte[] {9})));
      CapturedRun diverged = run("--history", histories, "--nodes", nodes, "--timeout", "60");
      assertThat(diverged.exit()).isEqualTo(1);
      assertThat(diverged.out()).contains("digest").contains("differs from");
    }
  }

  /** Writes 200 entries on one site over inodes 0..99 and records them as acknowledged. */
  private Path write(AdminTestSites sites, String site, int salt) throws Exception {
    HybridClock clock = new HybridClock();
    List<JournalEntry> entries = new ArrayList<>();
    StringBuilder history = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      int shard = i % 4;
      JournalEntry e = JournalEntry.of(site, shard, i / 4 + 1, clock.tick(), i % 9 == 0 ? Op.UNLINK : Op.WRITE,
          i % 100, 1, ("v" + salt + "-" + i).getBytes(StandardCharsets.UTF_8));
      entries.add(e);
      history.append(String.join("\t", e.originSite(), "" + e.shard(), "" + e.seq(), "" + e.hlc(), e.op().name(),
          "" + e.inodeId(), "" + e.crc())).append('\n');
    }
    sites.node(site).journal().append(entries).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Path file = dir.resolve(site + ".history");
    Files.writeString(file, history);
    return file;
  }

  private static CapturedRun run(String... args) {
    return CapturedRun.of(new CheckCommand(), args);
  }
}
