package io.cfs.repl.engine.failover;

import java.util.Map;

/**
 * A resolver's answer to status: the mesh's mode ("active-active" or "active-passive"), the site's role and epoch,
 * the primary it knows, each peer's health, whether it takes
 * writes now, and when it was last promoted (0 if never by this resolver).
 */
public record FailoverStatus(String site, String mode, Role role, long epoch, String primary, boolean acceptsWrites,
                             Map<String, PeerHealth> health, String switchoverTarget, long lastPromotionMillis) {
  public FailoverStatus {
    health = Map.copyOf(health);
  }
}
