package io.cfs.repl.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Kinds are stored by name: every name ever shipped must still be there, spelt the same. */
class AuditKindTest {
  @Test
  void storedNamesNeverChange() {
    assertThat(Arrays.stream(AuditKind.values()).map(Enum::name)).containsAll(java.util.List.of(
        "LINK_UP", "LINK_DOWN", "SHARD_STOPPED", "LINK_PAUSED", "LINK_RESUMED", "HEALTH_CHANGED", "EPOCH_ADOPTED",
        "PROMOTED", "DEMOTED", "FAILOVER_REQUESTED", "STALE_EPOCH_REFUSED", "OLD_EPOCH_RECONCILED"));
    assertThat(AuditKind.named("LINK_UP")).contains(AuditKind.LINK_UP);
    assertThat(AuditKind.named("A_FUTURE_KIND")).isEmpty();
  }
}
