package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Persisted layouts are pinned: the hex strings below were written by layout version 1. If a change makes them
 * unreadable, stored cursors would be lost, so this fails first.
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
        new ReplicatorState(Map.of(1, 2L), true, Map.of(7, new StoppedShard(7, 1, 99, 1234)))};
    for (Object o : all) {
      assertThat(kryo.decode(kryo.encode(o))).isEqualTo(o);
    }
  }

  @Test
  void layoutVersionOneStillReads() {
    String cursors = hex(new ReplicatorEvent.CursorsAdvanced(Map.of(0, 5L, 3, 300L)));
    String state = hex(new ReplicatorState(Map.of(1, 2L), true, Map.of(7, new StoppedShard(7, 1, 99, 1234))));
    assertThat(cursors).isEqualTo(GOLDEN_CURSORS);
    assertThat(state).isEqualTo(GOLDEN_STATE);
    assertThat(decodeHex(GOLDEN_CURSORS)).isEqualTo(new ReplicatorEvent.CursorsAdvanced(Map.of(0, 5L, 3, 300L)));
    assertThat(decodeHex(GOLDEN_STATE))
        .isEqualTo(new ReplicatorState(Map.of(1, 2L), true, Map.of(7, new StoppedShard(7, 1, 99, 1234))));
  }

  private static final String GOLDEN_CURSORS = "7a0102000503ac02";
  private static final String GOLDEN_STATE = "7e010101020101070163d204000000000000";
}
