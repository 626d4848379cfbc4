package io.cfs.repl.it.client;

import java.util.Map;

/**
 * {@code GET /replication/failover} in active-passive mode: the site's resolver's view.
 *
 * @param site the answering site
 * @param role PRIMARY, SECONDARY (WITNESS for a witness)
 * @param epoch the resolver's epoch
 * @param primary the primary it knows, or null
 * @param acceptsWrites whether it holds the primary's lease now
 * @param health per other voter (peer sites, the witness): HEALTHY, DEGRADED or DOWN
 * @param switchoverTarget the target of a planned switchover in progress, or null
 * @param lastPromotionMillis when this site was last promoted, 0 if never
 */
public record FailoverView(String site, String role, long epoch, String primary, boolean acceptsWrites,
                           Map<String, String> health, String switchoverTarget, long lastPromotionMillis) {
  public FailoverView {
    health = health == null ? Map.of() : Map.copyOf(health);
  }
}
