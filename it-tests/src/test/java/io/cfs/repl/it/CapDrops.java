package io.cfs.repl.it;

import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;

/**
 * What the multi-process retention-cap tests share: site-a's journal capped at 256 KiB (rounds every 500 ms, 100
 * entries kept per shard) and how they make it drop site-b from the horizon: b killed while a writes on.
 */
final class CapDrops {
  static final String A = "site-a";
  static final String B = "site-b";
  static final int SHARDS = 8;
  /** Per shard: 800 entries kept in all, so a link that tails normally is never the holder of half the journal. */
  static final int KEEP_ENTRIES = 100;

  private CapDrops() {
  }

  /** a's retention cap, and a short reconnect backoff so that b's return is seen at once. */
  static String config() {
    return "cfs-repl.replicator.backoff.max = 1s\n"
        + "cfs-repl.journal-gc { interval = 500ms, keep-entries = " + KEEP_ENTRIES + ", max-journal-bytes = 256 KiB }";
  }

  /** a's workload: 1,000 entries a second over 2,000 inodes. */
  static Workload.Builder workload(Workload.Builder on) {
    return on.site(A, 1_000).shards(SHARDS).inodes(2_000);
  }

  /**
   * Once a's journal is past keep-entries and b tails it, kills b and waits until a's next rounds drop it; answers
   * when b was killed. The journal's bytes (embedded: its memtable, which range deletes do not shrink) are past
   * 256 KiB from the first writes, so a young journal may drop b while it is up: only drops after the kill count.
   */
  static DroppedPeer killPastTheCap(SiteCluster cluster, Workload workload) {
    workload.awaitAcknowledged(A, 2_000, Duration.ofSeconds(30));
    cluster.awaitLink(A, B, Duration.ofSeconds(30), "tailing", p -> p.state().equals("CONNECTED")
        && p.lagEntries() < SHARDS * KEEP_ENTRIES / 2);
    long earlyDrops = cluster.admin(A).audit(0, "RESYNC_NEEDED").size();
    long killedAt = System.currentTimeMillis();
    cluster.node(B).kill();
    Status.Peer dropped = cluster.awaitLink(A, B, Duration.ofSeconds(60), "dropped past the cap",
        p -> "NEEDED".equals(p.resyncPhase()) && p.resync().sinceMillis() >= killedAt);
    return new DroppedPeer(killedAt, earlyDrops, dropped);
  }

  /** b's drop: when it was killed, how often a dropped it while it was up, and a's link to it once dropped. */
  record DroppedPeer(long killedAtMillis, long dropsWhileUp, Status.Peer link) {
  }
}
