package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerAcksTest {
  @Test
  void acknowledgedPositionsOnlyMoveForwardAndLeadTheCursors() {
    PeerAcks acked = new PeerAcks();
    acked.received(0, Map.of(1, 10L, 2, 5L), 15, 1_500);
    acked.received(0, Map.of(1, 7L, 3, 1L), 0, 100); // a late, older ack moves no position

    assertThat(acked.atLeast(Map.of(1, 8L, 2, 9L, 4, 2L)))
        .isEqualTo(Map.of(1, 10L, 2, 9L, 3, 1L, 4, 2L));
  }

  @Test
  void everyAckCountsItsEntriesBatchAndBytes() {
    PeerAcks acked = new PeerAcks();
    acked.received(0, Map.of(1, 10L), 10, 1_000);
    acked.received(0, Map.of(1, 12L), 2, 300);

    assertThat(acked.entries()).isEqualTo(12);
    assertThat(acked.batches()).isEqualTo(2);
    assertThat(acked.bytes()).isEqualTo(1_300);
  }

  @Test
  void forgettingDropsThePositionsAndRefusesTheAcksOfStreamsStartedBefore() {
    PeerAcks acked = new PeerAcks();
    long before = acked.era();
    acked.received(before, Map.of(1, 10L), 10, 1_000);
    acked.forget();
    assertThat(acked.atLeast(Map.of())).isEmpty();

    acked.received(before, Map.of(1, 11L), 1, 100); // the removed link's last ack, arriving late
    assertThat(acked.atLeast(Map.of())).isEmpty();
    assertThat(acked.entries()).isEqualTo(10);

    acked.received(acked.era(), Map.of(1, 3L), 3, 300); // the new link's
    assertThat(acked.atLeast(Map.of())).isEqualTo(Map.of(1, 3L));
    assertThat(acked.entries()).isEqualTo(13);
  }
}
