package io.cfs.repl.engine.protocol;

import io.cfs.repl.model.shard.Gap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;
import java.util.Map;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Every wire message survives a Kryo round trip with the registrations from reference.conf. */
class WireCodecTest {
  private final WireCodec codec = WireCodec.create(ConfigFactory.load());

  private static JournalEntry entry(long seq) {
    return JournalEntry.of("site-a", 3, seq, 1_700_000_000_000_000_000L + seq, Op.SETATTR, 42, 2,
        new byte[] {1, 2, 3, (byte) seq});
  }

  @Test
  void shipBatchRoundTripsWithEveryEntryField() {
    ShipBatch batch = new ShipBatch(7, "site-a", List.of(entry(1), entry(2)));
    ShipBatch back = (ShipBatch) codec.decode(codec.encode(batch));
    assertThat(back.batchId()).isEqualTo(7);
    assertThat(back.originSite()).isEqualTo("site-a");
    assertThat(back.entries()).containsExactly(entry(1), entry(2));
  }

  @Test
  void shipBatchCarriesItsTraceParentOrNone() {
    String traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    ShipBatch traced = (ShipBatch) codec.decode(codec.encode(new ShipBatch(8, "site-a", List.of(entry(1)),
        traceParent, 1_700_000_000_123L)));
    assertThat(traced.traceParent()).isEqualTo(traceParent);
    assertThat(traced.sentAtMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(traced.entries()).containsExactly(entry(1));
    ShipBatch untraced = (ShipBatch) codec.decode(codec.encode(new ShipBatch(9, "site-a", List.of())));
    assertThat(untraced.traceParent()).isNull();
    assertThat(untraced.entries()).isEmpty();
  }

  @Test
  void acksAndRejectionsRoundTrip() {
    BatchAck ack = new BatchAck(9, Map.of(1, 5L, 2, 7L), List.of(new Gap(3, 1, 9)), 10, 2,
        new BatchAck.Timestamps(100, 160, 170));
    assertThat(codec.decode(codec.encode(ack))).isEqualTo(ack);
    BatchAck plain = new BatchAck(10, Map.of(), List.of(), 0, 0);
    assertThat(codec.decode(codec.encode(plain))).isEqualTo(plain);
    BatchRejected rejected = new BatchRejected(4, BatchRejected.Reason.TOO_LARGE, "too big", 0);
    assertThat(codec.decode(codec.encode(rejected))).isEqualTo(rejected);
  }

  @Test
  void batchesAcksAndRejectionsCarryTheirSitesEpoch() {
    ShipBatch batch = new ShipBatch(11, "site-a", List.of(entry(1), entry(2).withEpoch(3)), null, 5, 4);
    ShipBatch back = (ShipBatch) codec.decode(codec.encode(batch));
    assertThat(back.epoch()).isEqualTo(4);
    assertThat(back.entries()).containsExactly(entry(1), entry(2).withEpoch(3));
    assertThat(back.entries().get(1).epoch()).isEqualTo(3);
    BatchAck ack = new BatchAck(11, Map.of(3, 2L), List.of(), 2, 0, BatchAck.Timestamps.NONE, 6);
    assertThat(codec.decode(codec.encode(ack))).isEqualTo(ack);
    for (BatchRejected.Reason reason : BatchRejected.Reason.values()) {
      BatchRejected rejected = new BatchRejected(12, reason, "why", 7);
      assertThat(codec.decode(codec.encode(rejected))).isEqualTo(rejected);
    }
  }

  @Test
  void aCorruptedEntryIsRefusedAtDecoding() {
    ShipBatch batch = new ShipBatch(1, "site-a", List.of(entry(1)));
    byte[] bytes = codec.encode(batch).toArray();
    int payloadAt = indexOf(bytes, new byte[] {1, 2, 3, 1});
    assertThat(payloadAt).isPositive();
    bytes[payloadAt + 1] ^= 0x5a; // flip a payload bit: only the CRC can notice
    assertThatThrownBy(() -> codec.decode(ByteString.fromArray(bytes))).hasMessageContaining("crc");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
