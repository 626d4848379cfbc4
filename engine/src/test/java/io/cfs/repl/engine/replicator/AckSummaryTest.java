package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.link.ClockOffset;
import io.cfs.repl.model.shard.Gap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AckSummaryTest {
  @Test
  void mergedAcksKeepTheHighestPositionsTheFirstGapOfAShardAndTheBestClockSample() {
    AckSummary first = new AckSummary(Map.of(1, 10L, 2, 4L), List.of(new Gap(3, 1, 251)), new ClockOffset(5, 20));
    // the peer reports shard 3's gap again with its next batch, further on
    AckSummary second = new AckSummary(Map.of(1, 12L), List.of(new Gap(3, 1, 301), new Gap(4, 7, 9)),
        new ClockOffset(6, 2));
    AckSummary third = new AckSummary(Map.of(2, 3L), List.of(new Gap(3, 1, 351)), null);

    AckSummary merged = first.merge(second).merge(third);

    assertThat(merged.watermarks()).isEqualTo(Map.of(1, 12L, 2, 4L));
    assertThat(merged.gaps()).containsExactly(new Gap(3, 1, 251), new Gap(4, 7, 9));
    assertThat(merged.clock()).isEqualTo(new ClockOffset(6, 2));
  }
}
