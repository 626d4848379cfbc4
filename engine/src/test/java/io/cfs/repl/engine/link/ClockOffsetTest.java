package io.cfs.repl.engine.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockOffsetTest {

  @Test
  void aPeerAheadByTwoSecondsWithSymmetricDelayIsMeasuredExactly() {
    // we send at 1000 (ours); 10 ms later it arrives at 3010 (theirs); it replies 50 ms later at 3060; 10 ms later
    // we receive at 1070 (ours): the peer's clock is 2000 ms ahead, whatever it spent between receive and reply
    ClockOffset o = ClockOffset.measure(1000, 3010, 3060, 1070);
    assertThat(o.offsetMillis()).isEqualTo(2000);
    assertThat(o.roundTripMillis()).isEqualTo(20);
  }

  @Test
  void asymmetricDelayErrsByAtMostHalfTheRoundTripSoTheShortestRoundTripWins() {
    long actual = -500;
    ClockOffset queued = ClockOffset.measure(1000, 1000 + actual + 300, 1000 + actual + 300, 1310); // 300 out, 10 back
    ClockOffset quick = ClockOffset.measure(2000, 2000 + actual + 6, 2000 + actual + 6, 2010); // 6 out, 4 back
    assertThat(Math.abs(queued.offsetMillis() - actual)).isLessThanOrEqualTo(queued.roundTripMillis() / 2);
    assertThat(Math.abs(quick.offsetMillis() - actual)).isLessThanOrEqualTo(quick.roundTripMillis() / 2);
    assertThat(queued.better(quick)).isSameAs(quick);
    assertThat(quick.better(queued)).isSameAs(quick);
    assertThat(quick.offsetMillis()).isNegative();
  }
}
