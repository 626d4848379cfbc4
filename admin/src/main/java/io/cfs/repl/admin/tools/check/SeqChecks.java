package io.cfs.repl.admin.tools.check;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Journal heads and store watermarks against the acknowledged heads, shard by shard. */
final class SeqChecks {
  private SeqChecks() {
  }

  /** Each site's journal against what its writers saw acknowledged: nothing lost, nothing unseen. */
  static List<String> journalHeads(Checker.Sites sites, Expectations expected) {
    List<String> diffs = new ArrayList<>();
    for (String site : sites.sites()) {
      Map<Integer, Long> journal;
      try {
        journal = sites.journalHeads(site);
      } catch (RuntimeException e) {
        diffs.add(site + ": cannot read journal heads: " + e);
        continue;
      }
      forEachShard(journal, expected.heads(site), (shard, j, a) -> {
        if (j < a) {
          diffs.add(site + " shard " + shard + ": journal head " + j + " < acknowledged " + a
              + " (acknowledged entries lost)");
        } else if (j > a) {
          diffs.add(site + " shard " + shard + ": journal head " + j + " > acknowledged " + a
              + " (entries the workload never saw acknowledged)");
        }
      });
    }
    return diffs;
  }

  /** What each site's store applied of every origin against that origin's acknowledged heads. */
  static List<String> watermarks(Checker.Sites sites, NodeReads reads, Expectations expected) {
    List<String> diffs = new ArrayList<>();
    for (String site : sites.sites()) {
      Map<String, Map<Integer, Long>> applied;
      try {
        URI node = sites.adminUri(site).orElseThrow(() -> new IllegalStateException("no node runs"));
        applied = reads.watermarks(node);
      } catch (RuntimeException e) {
        diffs.add(site + ": cannot read store watermarks: " + e);
        continue;
      }
      for (String origin : sites.sites()) {
        forEachShard(applied.getOrDefault(origin, Map.of()), expected.heads(origin), (shard, w, a) -> {
          if (w != a) {
            diffs.add(site + " applied " + origin + " shard " + shard + " up to seq " + w + ", acknowledged " + a);
          }
        });
      }
    }
    return diffs;
  }

  @FunctionalInterface
  private interface ShardPair {
    void accept(int shard, long actual, long acknowledged);
  }

  /** Every shard either map has, in order, with its seq in each (0 where absent). */
  private static void forEachShard(Map<Integer, Long> actual, Map<Integer, Long> acknowledged, ShardPair each) {
    TreeSet<Integer> shards = new TreeSet<>(actual.keySet());
    shards.addAll(acknowledged.keySet());
    shards.forEach(s -> each.accept(s, actual.getOrDefault(s, 0L), acknowledged.getOrDefault(s, 0L)));
  }
}
