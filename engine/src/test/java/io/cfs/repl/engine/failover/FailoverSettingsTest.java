package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FailoverSettingsTest {

  private static FailoverSettings timed(long heartbeat, long lease, long downAfter) {
    return new FailoverSettings(FailoverMode.ACTIVE_PASSIVE, List.of("a", "b", "c"), Optional.empty(), Optional.empty(),
        Duration.ofMillis(heartbeat), 3, Duration.ofSeconds(5), Duration.ofMillis(lease), Duration.ofMillis(downAfter),
        Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(30));
  }

  @Test
  void theLeaseMustRunOutBeforeDownAfter() {
    assertThat(timed(100, 699, 700).leaseTimeout()).isEqualTo(Duration.ofMillis(699));
    assertThatThrownBy(() -> timed(100, 700, 700)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease-timeout must be < down-after");
  }

  @Test
  void theLeaseMustOutlastARenewalRoundTrip() {
    assertThatThrownBy(() -> timed(300, 500, 2000)).hasMessageContaining("2 x heartbeat-interval");
  }

  @Test
  void degradedMustComeBeforeDown() {
    assertThatThrownBy(() -> timed(250, 500, 750)).hasMessageContaining("degraded-after-missed");
  }

  @Test
  void theWitnessIsNoDataSiteAndTheInitialPrimaryIsOne() {
    assertThatThrownBy(() -> sitesAB(Optional.of("a"), Optional.empty())).hasMessageContaining("witness");
    assertThatThrownBy(() -> sitesAB(Optional.empty(), Optional.of("w"))).hasMessageContaining("initial-primary");
  }

  private static FailoverSettings sitesAB(Optional<String> witness, Optional<String> initialPrimary) {
    return new FailoverSettings(FailoverMode.ACTIVE_PASSIVE, List.of("a", "b"), witness, initialPrimary,
        Duration.ofMillis(100), 3, Duration.ofSeconds(5), Duration.ofMillis(400), Duration.ofMillis(700),
        Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(30));
  }

  @ParameterizedTest(name = "{0} sites, witness {1}: {2} voters, majority {3}, automatic failover {4}")
  @CsvSource({"2,false,2,2,false", "2,true,3,2,true", "3,false,3,2,true", "3,true,4,3,true", "5,false,5,3,true",
      "5,true,6,4,true"})
  void theMajorityCountsEveryConfiguredVoter(int sites, boolean witness, int voters, int majority, boolean auto) {
    FailoverSettings settings = SimMesh.settings(sites, witness, false);
    assertThat(settings.voters()).hasSize(voters);
    assertThat(settings.majority()).isEqualTo(majority);
    assertThat(settings.autoFailover()).isEqualTo(auto);
  }
}
