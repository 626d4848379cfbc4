package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.shard.Gap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicatorStateTest {

  @Test
  void cursorsNeverMoveBackwards() {
    ReplicatorState s = ReplicatorState.empty().advance(Map.of(0, 10L, 1, 5L));
    ReplicatorState after = s.advance(Map.of(0, 7L, 1, 6L));
    assertThat(after.cursors()).isEqualTo(Map.of(0, 10L, 1, 6L));
  }

  @Test
  void forwardOnlyKeepsJustTheShardsThatMove() {
    ReplicatorState s = ReplicatorState.empty().advance(Map.of(0, 10L, 1, 5L));
    assertThat(s.forwardOnly(Map.of(0, 10L, 1, 9L, 2, 1L))).isEqualTo(Map.of(1, 9L, 2, 1L));
  }

  @Test
  void stoppedShardsAreOutOfReachOfTheTailUntilResume() {
    ReplicatorState s = ReplicatorState.empty().advance(Map.of(0, 10L, 1, 5L))
        .stop(new StoppedShard(1, 1, 6, 0));
    assertThat(s.readPositions()).containsEntry(0, 10L).containsEntry(1, Long.MAX_VALUE);
    ReplicatorState resumed = s.pause().resume();
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.stopped()).isEmpty();
    assertThat(resumed.readPositions()).containsEntry(1, 5L);
  }

  @Test
  void aGapStopsOnlyAShardNotStoppedYetSoTheFirstReasonStays() {
    ReplicatorState s = ReplicatorState.empty().stop(new StoppedShard(1, 1, 6, 0));
    assertThat(s.newlyStopped(List.of(new Gap(1, 2, 9), new Gap(2, 3, 8)), 42))
        .containsExactly(new StoppedShard(2, 3, 8, 42));
    assertThat(s.newlyStopped(List.of(), 42)).isEmpty();
  }

  @Test
  void eventsReplayIntoTheSameState() {
    ReplicatorState s = ReplicatorState.empty()
        .apply(new ReplicatorEvent.CursorsAdvanced(Map.of(3, 4L)))
        .apply(new ReplicatorEvent.ShardStopped(new StoppedShard(5, 1, 9, 7)))
        .apply(new ReplicatorEvent.LinkPaused(1));
    assertThat(s).isEqualTo(new ReplicatorState(Map.of(3, 4L), true, Map.of(5, new StoppedShard(5, 1, 9, 7))));
  }

  @Test
  void backoffGrowsExponentiallyWithinBoundsAndJitter() {
    ReplicatorSettings settings = ReplicatorSettings.create(com.typesafe.config.ConfigFactory.load());
    long first = settings.backoff(1, 0).toMillis();
    long second = settings.backoff(2, 0).toMillis();
    assertThat(second).isEqualTo(2 * first);
    assertThat(settings.backoff(50, 0)).isEqualTo(settings.backoffMax());
    assertThat(settings.backoff(1, 1).toMillis())
        .isEqualTo((long) (first * (1 + settings.backoffRandomFactor())));
  }
}
