package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.failover.FailoverStatus;
import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Where {@code GET /replication/status}, {@code /replication/health} and the status event stream take their links
 * from: one ask of every replicator and of the site's resolver, so the three never disagree on how a link is read.
 */
final class StatusSource {
  /** The resolver only adds heartbeats and role to the answer: a slow one must not hold the links up. */
  private static final Duration RESOLVER_TIMEOUT = Duration.ofSeconds(1);

  private StatusSource() {
  }

  /** Every link's status and the resolver's view (null when it does not answer soon, or the site has no peers). */
  record Links(List<ReplicatorStatus> statuses, FailoverStatus failover) {
    Map<String, PeerHealth> heartbeats() {
      return failover == null ? Map.of() : failover.health();
    }
  }

  static CompletionStage<Links> links(ReplicationNode node, AdminSettings admin) {
    Duration quick = admin.askTimeout().compareTo(RESOLVER_TIMEOUT) < 0 ? admin.askTimeout() : RESOLVER_TIMEOUT;
    CompletionStage<FailoverStatus> failover = node.failover()
        .map(f -> f.status(quick).exceptionally(e -> null))
        .orElse(CompletableFuture.completedFuture(null));
    return node.status(admin.askTimeout()).thenCombine(failover, Links::new);
  }

  /**
   * The status body, as of when the replicators answered, with the journal read after them (what it holds, who holds
   * its horizon back by the links' lag); a journal that does not answer within the ask timeout is left out (null)
   * rather than holding the links up.
   */
  static CompletionStage<StatusView> status(ReplicationNode node, AdminSettings admin) {
    return links(node, admin).thenCompose(links -> node.journalStatus(links.statuses()).toCompletableFuture()
        .exceptionally(failure -> null)
        .completeOnTimeout(null, admin.askTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(journal -> StatusView.of(node, links.statuses(), links.failover(), journal, admin,
            System.currentTimeMillis())));
  }

  /** The status body without the journal: the event stream asks every interval and shows the links only. */
  static CompletionStage<StatusView> linksOnly(ReplicationNode node, AdminSettings admin) {
    return links(node, admin).thenApply(links -> StatusView.of(node, links.statuses(), links.failover(), null, admin,
        System.currentTimeMillis()));
  }
}
