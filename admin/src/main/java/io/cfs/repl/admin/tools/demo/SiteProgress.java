package io.cfs.repl.admin.tools.demo;

import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One line per site of live progress: written, applied from each peer, and each outgoing link's lag. */
final class SiteProgress {
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

  private SiteProgress() {
  }

  static List<ReplicatorStatus> status(ReplicationNode node) throws Exception {
    return node.status(STATUS_TIMEOUT).toCompletableFuture().get(STATUS_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
  }

  static String line(ReplicationNode node, List<ReplicationNode> all) throws Exception {
    StringBuilder sb = new StringBuilder();
    long written = node.journal().heads().values().stream().mapToLong(Long::longValue).sum();
    sb.append(String.format("  %-7s written %,10d |", node.siteId(), written));
    for (ReplicationNode peer : all) {
      if (peer == node) continue;
      long applied = node.store().watermarks(peer.siteId()).values().stream().mapToLong(Long::longValue).sum();
      sb.append(String.format(" from %s %,10d", peer.siteId(), applied));
    }
    sb.append(" |");
    long now = System.currentTimeMillis();
    for (ReplicatorStatus s : status(node)) {
      sb.append(String.format(" to %s %s lag %,d (%d ms)", s.peer(), s.state(), s.lagEntries(), s.lagMillis(now)));
    }
    return sb.toString();
  }

  /**
   * Every link acknowledged (each peer applied all of this site's journal) and every site's local apply at its own
   * journal's heads: only then does each store hold every entry. The links alone are not enough: a site's own writes
   * reach its store through its local apply, which may still be a batch behind when its peers have theirs.
   */
  static boolean caughtUp(List<ReplicationNode> nodes) throws Exception {
    for (ReplicationNode node : nodes) {
      for (ReplicatorStatus s : status(node)) {
        if (s.lagEntries() != 0) return false;
      }
      Map<Integer, Long> applied = node.store().watermarks(node.siteId());
      for (Map.Entry<Integer, Long> head : node.journal().heads().entrySet()) {
        if (applied.getOrDefault(head.getKey(), 0L) < head.getValue()) return false;
      }
    }
    return true;
  }
}
