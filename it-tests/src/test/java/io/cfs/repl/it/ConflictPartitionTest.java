package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.AuditedConflict;
import io.cfs.repl.it.client.ConflictStream;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.InodeValue;
import io.cfs.repl.it.client.StreamedConflict;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.ConflictHistoryCheck;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.History.Write;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.model.hlc.Clocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16, write conflicts across a partition: sites A and B are cut from each other (both directions, through the
 * fault proxies) and write while cut:
 * <ul>
 *   <li>{@value #BOTH} inodes once on each side (every tenth with the same hlc on both, so the site id decides);</li>
 *   <li>{@value #ONE_SIDE} inodes once, on one side only, and {@value #TWICE} inodes twice on one side only: no
 *       conflict, since a site's later write of an inode follows its earlier one;</li>
 *   <li>{@value #TWICE_VS_ONCE} inodes twice on one side (x1, then x2 with a later hlc) and once on the other (y),
 *       y before x1, between the two, or after x2 by turns.</li>
 * </ul>
 * Then the link heals. Proves: the sites converge (checker); each site's audit trail holds exactly the conflicts the
 * rule gives, once each (dense, unique conflict ids): one per inode written on both sides on each site, held and
 * applied write, their seqs and vectors and the winner named as they were; on the side that wrote y, a second one
 * when x1 lost to y (x2 then had not seen y either); none for the single-side inodes. Both sites name the same winner,
 * the last-write-wins maximum (hlc, site). Each site's {@code GET /journal/conflicts} stream from 0 delivers exactly the
 * trail's conflicts, and resumed with {@code Last-Event-ID: N} exactly those after N. The final values' {@code seen}
 * and {@code knowledge} (admin inode view) say what each site knows: every write of the inode, and the winner having
 * seen nothing of the other side.
 */
@ExtendWith(ItExtension.class)
@Timeout(180)
class ConflictPartitionTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final int SHARDS = 8;
  private static final int BOTH = 200;
  private static final int ONE_SIDE = 100;
  private static final int TWICE = 50;
  private static final int TWICE_VS_ONCE = 42;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long SECOND = 1_000_000_000L;

  /**
   * A conflict a site must record: the write it held, the one it applied, what it knew of the inode then; the
   * applied write's writer had seen only its own write.
   */
  record Expected(long inode, Write local, Write remote, Map<String, Long> localKnew) {
    Version winner() {
      return local.version().isNewerThan(remote.version()) ? local.version() : remote.version();
    }
  }

  /** The writes of each site, in seq order, and the conflicts each site must record, by inode. */
  private static final class Plan {
    final Map<String, List<Write>> writes = new LinkedHashMap<>();
    final Map<String, Map<Long, List<Expected>>> conflicts = new LinkedHashMap<>();
    private final Map<String, long[]> seqs = new HashMap<>();
    private final SplittableRandom random;
    /** Two minutes back, so no hlc is ahead of a node's clock (CLOCK_AHEAD) and every hlc is the test's choice. */
    private final long base = Clocks.epochNanos() - 120 * SECOND;

    Plan(long seed) {
      random = new SplittableRandom(seed);
      for (String site : List.of(A, B)) {
        writes.put(site, new ArrayList<>());
        conflicts.put(site, new TreeMap<>());
        seqs.put(site, new long[SHARDS]);
      }
    }

    long someHlc() {
      return base + random.nextLong(60 * SECOND);
    }

    Write write(String site, long inode, long hlc) {
      int shard = (int) (inode % SHARDS);
      Write w = new Write(site, shard, ++seqs.get(site)[shard], hlc, inode);
      writes.get(site).add(w);
      return w;
    }

    void expect(String site, Expected e) {
      conflicts.get(site).computeIfAbsent(e.inode(), i -> new ArrayList<>()).add(e);
    }

    static Plan make(long seed) {
      Plan p = new Plan(seed);
      List<Runnable> secondWrites = new ArrayList<>(); // after every first write, so later seqs of their shards
      for (long inode = 1; inode <= BOTH; inode++) {
        long hlcA = p.someHlc();
        Write a = p.write(A, inode, hlcA);
        Write b = p.write(B, inode, inode % 10 == 0 ? hlcA : p.someHlc());
        p.expect(A, new Expected(inode, a, b, Map.of(A, a.seq())));
        p.expect(B, new Expected(inode, b, a, Map.of(B, b.seq())));
      }
      for (long inode = 1_001; inode <= 1_000 + ONE_SIDE; inode++) {
        p.write(inode % 2 == 0 ? A : B, inode, p.someHlc());
      }
      for (long inode = 2_001; inode <= 2_000 + TWICE; inode++) {
        String site = inode % 2 == 0 ? A : B;
        long hlc = p.someHlc();
        long id = inode;
        p.write(site, inode, hlc);
        secondWrites.add(() -> p.write(site, id, hlc + 1 + p.random.nextLong(SECOND)));
      }
      for (long inode = 3_001; inode <= 3_000 + TWICE_VS_ONCE; inode++) {
        String x = inode % 2 == 0 ? A : B;
        String y = x.equals(A) ? B : A;
        long hlc1 = p.someHlc();
        long hlc2 = hlc1 + 2 + p.random.nextLong(SECOND);
        long hlcY = switch ((int) (inode % 3)) {
          case 0 -> hlc1 - 1 - p.random.nextLong(SECOND); // y < x1 < x2
          case 1 -> hlc1 + 1 + p.random.nextLong(hlc2 - hlc1 - 1); // x1 < y < x2
          default -> hlc2 + 1 + p.random.nextLong(SECOND); // x1 < x2 < y
        };
        Write x1 = p.write(x, inode, hlc1);
        Write yw = p.write(y, inode, hlcY);
        long id = inode;
        secondWrites.add(() -> {
          Write x2 = p.write(x, id, hlc2);
          // x's site holds x2 when y arrives (its own writes applied before the heal)
          p.expect(x, new Expected(id, x2, yw, Map.of(x, x2.seq())));
          // y's site holds y when x1 arrives; if x1 loses it stays, and x2 (which had not seen y) meets it too
          p.expect(y, new Expected(id, yw, x1, Map.of(y, yw.seq())));
          if (yw.version().isNewerThan(x1.version())) {
            p.expect(y, new Expected(id, yw, x2, Map.of(y, yw.seq(), x, x1.seq())));
          }
        });
      }
      secondWrites.forEach(Runnable::run);
      return p;
    }

    int expectedCount(String site) {
      return conflicts.get(site).values().stream().mapToInt(List::size).sum();
    }

    /** Per inode the winner: the last-write-wins maximum of its writes on both sides. */
    Map<Long, Write> winners() {
      Map<Long, Write> out = new TreeMap<>();
      writes.values().forEach(ws -> ws.forEach(w -> out.merge(w.inode(), w,
          (x, y) -> y.version().isNewerThan(x.version()) ? y : x)));
      return out;
    }

    /** Per inode, per site the last seq of its writes: what a site knows of the inode once all is applied. */
    Map<Long, Map<String, Long>> lastSeqs() {
      Map<Long, Map<String, Long>> out = new TreeMap<>();
      writes.values().forEach(ws -> ws.forEach(w -> out.computeIfAbsent(w.inode(), i -> new TreeMap<>())
          .merge(w.site(), w.seq(), Math::max)));
      return out;
    }
  }

  @Test
  void conflictsOfAPartitionAreRecordedOnceOnEachSiteWithTheSameWinnersAndStreamed(ItContext it)
      throws InterruptedException {
    SiteCluster cluster = it.topology(A, B).start();
    cluster.awaitAllConnected(TIMEOUT);
    cluster.cutBetween(A, B);
    cluster.awaitLink(A, B, TIMEOUT, "cut", p -> !p.state().equals("CONNECTED"));
    cluster.awaitLink(B, A, TIMEOUT, "cut", p -> !p.state().equals("CONNECTED"));

    Plan plan = Plan.make(it.seed());
    History history = new History();
    for (String site : List.of(A, B)) {
      List<IngestEntry> entries = plan.writes.get(site).stream().map(w -> IngestEntry.of(site, w.shard(), w.seq(),
          w.hlc(), "WRITE", w.inode(), (site + " writes " + w.inode() + " at " + w.seq())
              .getBytes(StandardCharsets.UTF_8))).toList();
      for (int from = 0; from < entries.size(); from += 100) {
        List<IngestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 100));
        history.recordAcked(site, batch, cluster.ingest(site).append(batch, TIMEOUT));
      }
    }
    // each site holds its own writes before the heal, so the held and the applied side of each conflict are known
    for (String site : List.of(A, B)) {
      await(site + " applied its own writes").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.admin(site).watermarks(site).equals(history.heads(site)));
    }
    assertThat(cluster.admin(A).watermarks(B).values()).as("nothing crossed the partition").allMatch(s -> s == 0);
    assertThat(cluster.admin(B).watermarks(A).values()).as("nothing crossed the partition").allMatch(s -> s == 0);

    cluster.healBetween(A, B);
    Checker.of(cluster, history).assertConverged();

    ConflictHistoryCheck.awaitTrailsSettled(cluster, TIMEOUT);
    Map<String, List<AuditedConflict>> trails = new LinkedHashMap<>();
    for (String site : List.of(A, B)) trails.put(site, trail(cluster, site));
    System.out.printf("[it] conflicts recorded: %s %d, %s %d (expected %d, %d)%n", A, trails.get(A).size(), B,
        trails.get(B).size(), plan.expectedCount(A), plan.expectedCount(B));

    for (String site : List.of(A, B)) {
      assertTrailIsThePlans(site, trails.get(site), plan.conflicts.get(site));
    }
    Map<Long, Write> winners = plan.winners();
    for (long inode = 1; inode <= BOTH; inode++) {
      Version lww = winners.get(inode).version();
      assertThat(lastWinner(trails.get(A), inode)).as("inode %d's winner on %s", inode, A).isEqualTo(lww);
      assertThat(lastWinner(trails.get(B), inode)).as("inode %d's winner on %s", inode, B).isEqualTo(lww);
    }
    assertThat(trails.get(A).stream().filter(c -> c.inode() % 10 == 0 && c.inode() <= BOTH))
        .as("equal hlcs: the site id decides").isNotEmpty()
        .allSatisfy(c -> assertThat(c.winner().originSite()).isEqualTo(B));

    for (String site : List.of(A, B)) {
      assertStreamIsTheTrail(cluster, site, trails.get(site));
    }
    assertFinalValuesKnowEveryWrite(cluster, plan);
  }

  /** Every CONFLICT record of the site's trail, all pages, by conflict id. */
  private static List<AuditedConflict> trail(SiteCluster cluster, String site) {
    List<AuditedConflict> out = new ArrayList<>();
    for (AuditEntry e : cluster.admin(site).audit(0, "CONFLICT")) {
      AuditedConflict c = AuditedConflict.of(e);
      String other = site.equals(A) ? B : A;
      assertThat(e.peer()).as("peer of %s", e).isEqualTo(other);
      assertThat(e.seq()).as("seq of %s", e).isEqualTo(c.remoteSeq());
      out.add(c);
    }
    out.sort(Comparator.comparingLong(AuditedConflict::conflictId));
    return out;
  }

  private static Version lastWinner(List<AuditedConflict> trail, long inode) {
    return trail.stream().filter(c -> c.inode() == inode).reduce((first, second) -> second)
        .map(AuditedConflict::winner).orElse(null);
  }

  private static void assertTrailIsThePlans(String site, List<AuditedConflict> trail,
                                            Map<Long, List<Expected>> expected) {
    assertThat(trail).extracting(AuditedConflict::conflictId).as("%s's conflict ids: each once, dense", site)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, trail.size()).boxed().toList());
    Map<Long, List<AuditedConflict>> byInode = trail.stream()
        .collect(Collectors.groupingBy(AuditedConflict::inode, TreeMap::new, Collectors.toList()));
    assertThat(byInode.keySet()).as("inodes with conflicts on %s (single-side inodes have none)", site)
        .containsExactlyElementsOf(expected.keySet());
    expected.forEach((inode, wanted) -> {
      List<AuditedConflict> got = byInode.get(inode);
      assertThat(got).as("conflicts of inode %d on %s", inode, site).hasSameSizeAs(wanted);
      for (int i = 0; i < wanted.size(); i++) {
        Expected e = wanted.get(i);
        AuditedConflict c = got.get(i);
        String what = site + "'s conflict " + (i + 1) + " of inode " + inode + ": " + c;
        assertThat(c.local()).as(what).isEqualTo(e.local().version());
        assertThat(c.localSeq()).as(what).isEqualTo(e.local().seq());
        assertThat(c.localKnew()).as(what).isEqualTo(Seen.of(e.localKnew()));
        assertThat(c.remote()).as(what).isEqualTo(e.remote().version());
        assertThat(c.remoteSeq()).as(what).isEqualTo(e.remote().seq());
        assertThat(c.remoteSeen()).as(what).isEqualTo(Seen.of(e.remote().site(), e.remote().seq()));
        assertThat(c.winner()).as(what).isEqualTo(e.winner());
        assertThat(c.shard()).as(what).isEqualTo(e.local().shard());
        assertThat(c.concurrent()).as(what).isTrue();
      }
    });
  }

  /**
   * The site's conflict stream from 0 delivers the trail's conflicts, same ids and content; resumed after the
   * middle one with {@code Last-Event-ID} (the query says 0), exactly those after it.
   */
  private static void assertStreamIsTheTrail(SiteCluster cluster, String site, List<AuditedConflict> trail) {
    Map<Long, AuditedConflict> byId = trail.stream()
        .collect(Collectors.toMap(AuditedConflict::conflictId, Function.identity()));
    List<StreamedConflict> all;
    try (ConflictStream stream = cluster.ingest(site).conflicts(0)) {
      all = stream.awaitConflicts(trail.size(), TIMEOUT);
    }
    assertThat(all).extracting(StreamedConflict::id).as("%s's streamed ids", site)
        .containsExactlyElementsOf(trail.stream().map(AuditedConflict::conflictId).toList());
    for (StreamedConflict s : all) {
      AuditedConflict c = byId.get(s.id());
      String what = site + " streamed " + s + " for " + c;
      assertThat(s.site()).as(what).isEqualTo(site);
      assertThat(s.inode()).as(what).isEqualTo(c.inode());
      assertThat(s.local().version()).as(what).isEqualTo(c.local().toString());
      assertThat(s.local().seq()).as(what).isEqualTo(c.localSeq());
      assertThat(s.remote().version()).as(what).isEqualTo(c.remote().toString());
      assertThat(s.remote().seq()).as(what).isEqualTo(c.remoteSeq());
      assertThat(s.winnerWrite().version()).as(what).isEqualTo(c.winner().toString());
      assertThat(Seen.of(s.localKnew())).as(what).isEqualTo(c.localKnew());
      assertThat(Seen.of(s.remoteSeen())).as(what).isEqualTo(c.remoteSeen());
    }

    long resumeAfter = trail.size() / 2;
    List<Long> rest = LongStream.rangeClosed(resumeAfter + 1, trail.size()).boxed().toList();
    List<StreamedConflict> resumed;
    try (ConflictStream stream = cluster.ingest(site).conflictsResumingAfter(resumeAfter)) {
      resumed = stream.awaitConflicts(rest.size(), TIMEOUT);
    }
    assertThat(resumed).extracting(StreamedConflict::id).as("%s resumed after %d", site, resumeAfter)
        .containsExactlyElementsOf(rest);
  }

  /**
   * Every site holds the winner with its seq, having seen nothing of the other side, and knows of every write of the
   * inode.
   */
  private static void assertFinalValuesKnowEveryWrite(SiteCluster cluster, Plan plan) {
    Map<Long, Write> winners = plan.winners();
    Map<Long, Map<String, Long>> lastSeqs = plan.lastSeqs();
    for (String site : List.of(A, B)) {
      winners.forEach((inode, w) -> {
        InodeValue v = cluster.admin(site).inode(inode).orElseThrow();
        String what = site + "'s " + v;
        assertThat(new Version(v.hlc(), v.originSite())).as(what).isEqualTo(w.version());
        assertThat(v.seq()).as(what).isEqualTo(w.seq());
        assertThat(v.seen()).as(what).isEqualTo(Map.of(w.site(), w.seq()));
        assertThat(v.knowledge()).as(what).isEqualTo(lastSeqs.get(inode));
      });
    }
  }
}
