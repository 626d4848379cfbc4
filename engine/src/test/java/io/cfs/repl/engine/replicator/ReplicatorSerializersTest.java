package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.store.OriginMarks;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Persisted layouts are pinned: the hex strings below were written by the layout versions they name. If a change
 * makes them unreadable, stored cursors would be lost, so this fails first.
 */
class ReplicatorSerializersTest {
  private final KryoCodec kryo = KryoRegistrations.fromConfig(ConfigFactory.load());

  private Object decodeHex(String hex) {
    return kryo.decode(HexFormat.of().parseHex(hex));
  }

  private String hex(Object o) {
    return HexFormat.of().formatHex(kryo.encode(o));
  }

  @Test
  void everyEventAndTheStateRoundTrip() {
    Object[] all = {
        new ReplicatorEvent.CursorsAdvanced(Map.of(0, 5L, 300, 1L << 40)),
        new ReplicatorEvent.ShardStopped(new StoppedShard(7, 1, 99, 1234)),
        new ReplicatorEvent.LinkPaused(55),
        new ReplicatorEvent.LinkResumed(66),
        new ReplicatorEvent.ThrottleChanged(10L << 20, 77),
        new ReplicatorState(Map.of(1, 2L), true, Map.of(7, new StoppedShard(7, 1, 99, 1234))),
        new ReplicatorState(Map.of(1, 2L), false, Map.of(), 0L),
        new ReplicatorState(Map.of(1, 2L), false, Map.of(), 2_097_152L)};
    for (Object o : all) {
      assertThat(kryo.decode(kryo.encode(o))).isEqualTo(o);
    }
  }

  @Test
  void layoutVersionOneStillReads() {
    String cursors = hex(new ReplicatorEvent.CursorsAdvanced(Map.of(0, 5L, 3, 300L)));
    assertThat(cursors).isEqualTo(GOLDEN_CURSORS);
    assertThat(decodeHex(GOLDEN_CURSORS)).isEqualTo(new ReplicatorEvent.CursorsAdvanced(Map.of(0, 5L, 3, 300L)));
    // a snapshot written before the throttle: no operator set one
    assertThat(decodeHex(GOLDEN_STATE_V1))
        .isEqualTo(new ReplicatorState(Map.of(1, 2L), true, Map.of(7, new StoppedShard(7, 1, 99, 1234))));
  }

  @Test
  void theStateLayoutsTwoAndThreeStillReadAndVersionFourIsPinned() {
    ReplicatorState unthrottled = new ReplicatorState(Map.of(1, 2L), true,
        Map.of(7, new StoppedShard(7, 1, 99, 1234)));
    ReplicatorState throttled = new ReplicatorState(Map.of(1, 2L), false, Map.of(), 300L);
    assertThat(hex(unthrottled)).isEqualTo(GOLDEN_STATE_V4);
    assertThat(hex(throttled)).isEqualTo(GOLDEN_STATE_V4_THROTTLED);
    assertThat(decodeHex(GOLDEN_STATE_V4)).isEqualTo(unthrottled);
    ReplicatorState removed = new ReplicatorState(Map.of(), false, Map.of(), null, null, true);
    assertThat(hex(removed)).isEqualTo(GOLDEN_STATE_V4_REMOVED);
    assertThat(decodeHex(GOLDEN_STATE_V4_REMOVED)).isEqualTo(removed);
    assertThat(decodeHex(GOLDEN_STATE_V3)).isEqualTo(unthrottled);
    assertThat(decodeHex(GOLDEN_STATE_V3_THROTTLED)).isEqualTo(throttled);
    ReplicatorState resyncing = new ReplicatorState(Map.of(1, 2L), false, Map.of(), null, new Resync("cap", 5,
        new Resync.Run(9, Map.of("a", new OriginMarks(Optional.of(new UUID(1, 2)), Map.of(1, 7L))), true, 3, 4, 5,
            6)));
    assertThat(hex(resyncing)).isEqualTo(GOLDEN_STATE_V4_RESYNC);
    assertThat(decodeHex(GOLDEN_STATE_V4_RESYNC)).isEqualTo(resyncing);
    assertThat(decodeHex(GOLDEN_STATE_V3_RESYNC)).isEqualTo(resyncing);
    assertThat(decodeHex(GOLDEN_STATE_V2)).isEqualTo(unthrottled);
    assertThat(decodeHex(GOLDEN_STATE_V2_THROTTLED)).isEqualTo(throttled);
    ReplicatorEvent.ThrottleChanged changed = new ReplicatorEvent.ThrottleChanged(300, 1234);
    assertThat(hex(changed)).isEqualTo(GOLDEN_THROTTLE_CHANGED);
    assertThat(decodeHex(GOLDEN_THROTTLE_CHANGED)).isEqualTo(changed);
  }

  private static final String GOLDEN_CURSORS = "7a0102000503ac02";
  private static final String GOLDEN_STATE_V1 = "7e010101020101070163d204000000000000";
  private static final String GOLDEN_STATE_V2 = "7e020101020101070163d20400000000000000";
  private static final String GOLDEN_STATE_V2_THROTTLED = "7e02010102000001ac02";
  private static final String GOLDEN_STATE_V3 = "7e030101020101070163d2040000000000000000";
  private static final String GOLDEN_STATE_V4 = "7e040101020101070163d204000000000000000000";
  private static final String GOLDEN_STATE_V4_THROTTLED = "7e04010102000001ac020000";
  private static final String GOLDEN_STATE_V4_REMOVED = "7e04000000000001";
  private static final String GOLDEN_STATE_V4_RESYNC =
      "7e04010102000000016361f00500000000000000010901826101010000000000000002000000000000000101070103000000000000000405060000000000000000";
  private static final String GOLDEN_STATE_V3_THROTTLED = "7e03010102000001ac0200";
  private static final String GOLDEN_STATE_V3_RESYNC =
      "7e03010102000000016361f005000000000000000109018261010100000000000000020000000000000001010701030000000000000004050600000000000000";
  private static final String GOLDEN_THROTTLE_CHANGED = "7f01ac02d204000000000000";
}
