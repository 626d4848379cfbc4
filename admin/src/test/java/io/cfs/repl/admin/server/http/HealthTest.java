package io.cfs.repl.admin.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.StoppedShard;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health rules of cfs-repl.admin.health, one by one. */
class HealthTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final AdminSettings SETTINGS = new AdminSettings("", Duration.ofSeconds(5), Duration.ofSeconds(5),
      1_000, Duration.ofSeconds(30), Duration.ofMillis(500));

  private static ReplicatorStatus link(LinkState state, long disconnectedFor, long lagEntries, long lagMillis,
                                       List<StoppedShard> stopped) {
    long oldestHlc = lagMillis == 0 ? 0 : (NOW - lagMillis) * 1_000_000;
    return new ReplicatorStatus("a", "b", state, NOW - 1, "boom", lagEntries, oldestHlc, 0, 0, stopped,
        state == LinkState.CONNECTED ? 0 : NOW - disconnectedFor, NOW, 0, null, null, null, 0, 0, "plain", null, 0,
        0, null);
  }

  private static Health.Verdict health(ReplicatorStatus s) {
    return Health.of(s, SETTINGS, NOW);
  }

  @Test
  void aConnectedLinkWithinThresholdsIsHealthy() {
    Health.Verdict v = health(link(LinkState.CONNECTED, 0, 999, 4_999, List.of()));
    assertThat(v.health()).isEqualTo(Health.HEALTHY);
    assertThat(v.reasons()).isEmpty();
  }

  @Test
  void aPeerIsNeverHealthierThanItsHeartbeatsSay() {
    ReplicatorStatus fine = link(LinkState.CONNECTED, 0, 0, 0, List.of());
    Health.Verdict silent = Health.of(fine, PeerHealth.DOWN, SETTINGS, NOW);
    assertThat(silent.health()).isEqualTo(Health.DOWN);
    assertThat(silent.reasons()).containsExactly("no heartbeat from b for down-after");
    assertThat(Health.of(fine, PeerHealth.DEGRADED, SETTINGS, NOW).health()).isEqualTo(Health.DEGRADED);
    assertThat(Health.of(fine, PeerHealth.UNKNOWN, SETTINGS, NOW).health()).isEqualTo(Health.HEALTHY);
    assertThat(Health.of(fine, PeerHealth.HEALTHY, SETTINGS, NOW).health()).isEqualTo(Health.HEALTHY);
    // heartbeats do not make a stopped link look better
    ReplicatorStatus stopped = link(LinkState.STOPPED, 0, 0, 0, List.of());
    assertThat(Health.of(stopped, PeerHealth.HEALTHY, SETTINGS, NOW).health()).isEqualTo(Health.DOWN);
  }

  @Test
  void lagOverEitherThresholdDegrades() {
    assertThat(health(link(LinkState.CONNECTED, 0, 1_001, 10, List.of())).reasons())
        .containsExactly("lag 1001 entries > 1000");
    Health.Verdict slow = health(link(LinkState.CONNECTED, 0, 5, 6_000, List.of()));
    assertThat(slow.health()).isEqualTo(Health.DEGRADED);
    assertThat(slow.reasons()).containsExactly("lag 6.0 s > 5.0 s");
  }

  @Test
  void notConnectedDegradesThenGoesDownAfterDownAfter() {
    assertThat(health(link(LinkState.BACKOFF, 29_000, 0, 0, List.of())).health()).isEqualTo(Health.DEGRADED);
    Health.Verdict down = health(link(LinkState.CONNECTING, 31_000, 0, 0, List.of()));
    assertThat(down.health()).isEqualTo(Health.DOWN);
    assertThat(down.reasons()).containsExactly("not connected for 31.0 s (boom)");
  }

  @Test
  void stoppedIsDownPausedRecoveringAndGapsAreDegraded() {
    assertThat(health(link(LinkState.STOPPED, 1, 0, 0, List.of())).health()).isEqualTo(Health.DOWN);
    assertThat(health(link(LinkState.PAUSED, 1, 0, 0, List.of())).health()).isEqualTo(Health.DEGRADED);
    assertThat(health(link(LinkState.RECOVERING, 1, 0, 0, List.of())).health()).isEqualTo(Health.DEGRADED);
    Health.Verdict gap = health(link(LinkState.CONNECTED, 0, 3, 1, List.of(new StoppedShard(2, 1, 5, NOW))));
    assertThat(gap.health()).isEqualTo(Health.DEGRADED);
    assertThat(gap.reasons()).containsExactly("1 shard(s) stopped on a sequence gap");
  }

  @Test
  void theSiteIsHealthyWhenAllAreDownWhenAllAreAndDegradedOtherwise() {
    assertThat(Health.site(List.of())).isEqualTo(Health.HEALTHY);
    assertThat(Health.site(List.of(Health.HEALTHY, Health.HEALTHY))).isEqualTo(Health.HEALTHY);
    assertThat(Health.site(List.of(Health.DOWN, Health.DOWN))).isEqualTo(Health.DOWN);
    assertThat(Health.site(List.of(Health.DOWN, Health.HEALTHY))).isEqualTo(Health.DEGRADED);
  }

  @Test
  void whatIsWrongWithTheNodeItselfDegradesTheSiteButNeverLiftsItFromDown() {
    List<String> full = List.of("storage full: the journal refuses writes, no space left on the volume of /data");
    assertThat(Health.site(List.of(), full)).isEqualTo(Health.DEGRADED);
    assertThat(Health.site(List.of(Health.HEALTHY), full)).isEqualTo(Health.DEGRADED);
    assertThat(Health.site(List.of(Health.DOWN), full)).isEqualTo(Health.DOWN);
    assertThat(Health.site(List.of(Health.HEALTHY), List.of())).isEqualTo(Health.HEALTHY);
  }
}
