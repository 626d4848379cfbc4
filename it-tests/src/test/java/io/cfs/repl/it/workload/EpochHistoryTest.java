package io.cfs.repl.it.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.it.client.IngestEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history checker finds what it is there to find, and nothing in a history that upholds both claims. */
class EpochHistoryTest {
  private static EpochHistory.Ack ack(String site, long before, long after, long sent, long acked) {
    return new EpochHistory.Ack("w", site, before, after, sent, acked,
        List.of(IngestEntry.of(site, 0, sent, sent, "WRITE", 1, new byte[0])));
  }

  @Test
  void aFailoverWithDisjointEpochsAndTimesPasses() {
    EpochHistory h = new EpochHistory();
    h.recordAck(ack("site-a", 0, 0, 10, 20));
    h.recordAck(ack("site-a", 0, 0, 20, 30));
    h.recordAck(ack("site-b", 0, 3, 40, 50)); // promoted while the write was in flight: not placed, still bounded
    h.recordAck(ack("site-b", 3, 3, 50, 60));
    assertThat(h.violations()).isEmpty();
    assertThat(h.writersByEpoch()).containsOnlyKeys(0L, 3L);
    assertThat(h.longestAckGapMillis(25, 55)).isEqualTo(20);
  }

  @Test
  void twoSitesAcknowledgingInOneEpochFail() {
    EpochHistory h = new EpochHistory();
    h.recordAck(ack("site-a", 2, 2, 10, 20));
    h.recordAck(ack("site-b", 2, 2, 30, 40));
    assertThatThrownBy(h::assertOneWriterPerEpoch).hasMessageContaining("epoch 2 had writes acknowledged by");
  }

  @Test
  void aWriteOfAnOlderEpochTakenAfterANewerEpochsAckFails() {
    EpochHistory h = new EpochHistory();
    h.recordAck(ack("site-b", 1, 1, 10, 20));
    h.recordAck(ack("site-a", 0, 0, 25, 30)); // the old primary still writing after b took over
    assertThatThrownBy(h::assertOneWriterPerEpoch).hasMessageContaining("taken after a write of epoch 1");
  }
}
