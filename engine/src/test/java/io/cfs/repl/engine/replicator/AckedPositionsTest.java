package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AckedPositionsTest {
  @Test
  void acknowledgedPositionsOnlyMoveForwardAndLeadTheCursors() {
    AckedPositions acked = new AckedPositions();
    acked.advance(Map.of(1, 10L, 2, 5L));
    acked.advance(Map.of(1, 7L, 3, 1L)); // a late, older ack changes nothing

    assertThat(acked.atLeast(Map.of(1, 8L, 2, 9L, 4, 2L)))
        .isEqualTo(Map.of(1, 10L, 2, 9L, 3, 1L, 4, 2L));
  }
}
