package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.engine.failover.Action.HealthChanged;
import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The active-active core: beats on idle links, classifies peers, never refuses a write. */
class HealthMonitorTest {
  private static final FailoverSettings SETTINGS = new FailoverSettings(FailoverMode.ACTIVE_ACTIVE,
      List.of("a", "b", "c"), Optional.empty(), Optional.empty(), Duration.ofMillis(100), 3, Duration.ofSeconds(2),
      Duration.ofMillis(400), Duration.ofMillis(700), Duration.ofMillis(100), Duration.ofMillis(300),
      Duration.ofSeconds(30));
  private static final Heartbeat BEAT = new Heartbeat(new View(0, null, Role.ACTIVE, 0), 0, null);

  @Test
  void beatsToEveryPeerEachIntervalWithNothingElseToSay() {
    HealthMonitor a = new HealthMonitor("a", SETTINGS, 0);

    assertThat(a.onTick(0)).filteredOn(Send.class::isInstance).map(x -> ((Send) x).to()).containsExactly("b", "c");
    assertThat(a.onTick(50)).noneMatch(Send.class::isInstance);
    List<Action> next = a.onTick(100);
    assertThat(next).filteredOn(Send.class::isInstance).hasSize(2)
        .allSatisfy(x -> assertThat(((Send) x).message()).isEqualTo(
            new Heartbeat(new View(0, null, Role.ACTIVE, 0), 100, null)));
    assertThat(a.state().role()).isEqualTo(Role.ACTIVE);
    assertThat(a.state().epoch()).isZero();
    assertThat(a.acceptsWrites(100)).isTrue();
  }

  @Test
  void aPeerIsHealthyWhenHeardDegradedAfterMissedBeatsAndDownAfterDownAfter() {
    HealthMonitor a = new HealthMonitor("a", SETTINGS, 0);
    assertThat(a.health()).containsEntry("b", PeerHealth.UNKNOWN);

    assertThat(a.onMessage("b", BEAT, 10)).containsExactly(
        new HealthChanged("b", PeerHealth.UNKNOWN, PeerHealth.HEALTHY));
    assertThat(a.onTick(300)).noneMatch(HealthChanged.class::isInstance);
    assertThat(a.onTick(310)).contains(new HealthChanged("b", PeerHealth.HEALTHY, PeerHealth.DEGRADED));
    assertThat(a.onTick(709)).noneMatch(x -> x instanceof HealthChanged h && h.peer().equals("b"));
    assertThat(a.onTick(710)).contains(new HealthChanged("b", PeerHealth.DEGRADED, PeerHealth.DOWN));
    assertThat(a.onMessage("x", BEAT, 720)).isEmpty(); // not a site of the mesh
  }

  @Test
  void aPeerNeverHeardIsDownAfterDownAfterFromTheStart() {
    HealthMonitor a = new HealthMonitor("a", SETTINGS, 1000);
    assertThat(a.onTick(1699)).noneMatch(HealthChanged.class::isInstance);
    assertThat(a.onTick(1700)).contains(new HealthChanged("b", PeerHealth.UNKNOWN, PeerHealth.DOWN),
        new HealthChanged("c", PeerHealth.UNKNOWN, PeerHealth.DOWN));
  }

  @Test
  void aPeerHeardInTimeButLaggingIsDegradedUntilItCatchesUp() {
    HealthMonitor a = new HealthMonitor("a", SETTINGS, 0);
    a.onMessage("b", BEAT, 0);

    assertThat(a.onLag("b", 2000, 10)).isEmpty(); // at the threshold, not over it
    assertThat(a.onLag("b", 2001, 20)).containsExactly(
        new HealthChanged("b", PeerHealth.HEALTHY, PeerHealth.DEGRADED));
    a.onMessage("b", BEAT, 30);
    assertThat(a.health()).containsEntry("b", PeerHealth.DEGRADED);
    assertThat(a.onLag("b", 0, 40)).containsExactly(new HealthChanged("b", PeerHealth.DEGRADED, PeerHealth.HEALTHY));
  }

  @Test
  void onlyAnActiveActiveMeshHasOne() {
    assertThatThrownBy(() -> new HealthMonitor("a", SimMesh.settings(3, false, true), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FailoverSettings(FailoverMode.ACTIVE_ACTIVE, List.of("a", "b"), Optional.of("w"),
        Optional.empty(), Duration.ofMillis(100), 3, Duration.ofSeconds(2), Duration.ofMillis(400),
        Duration.ofMillis(700), Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(30)))
        .hasMessageContaining("active-passive");
  }
}
