package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final ReplicatorSettings SETTINGS = ReplicatorSettings.create(ConfigFactory.parseString("""
          cfs-repl.replicator.backoff { min = 100ms, max = 1s, random-factor = 0.5 }
          """).withFallback(ConfigFactory.load()));
  private static final List<InetSocketAddress> NODES = List.of(address(1), address(2), address(3));

  private static InetSocketAddress address(int node) {
    return InetSocketAddress.createUnresolved("peer-" + node, 9500);
  }

  @Test
  void delaysDoubleFromMinUpToMaxAndJitterOnlyStretchesThem() {
    Backoff backoff = new Backoff(SETTINGS, NODES);
    List<Long> plain = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      plain.add(backoff.failed(0).toMillis());
    }
    assertThat(plain).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L, 1000L);
    assertThat(backoff.attempt()).isEqualTo(8);
    Duration longest = backoff.failed(1);
    assertThat(longest).isEqualTo(Duration.ofMillis(1500)); // max stretched by the whole random factor, no more
  }

  @Test
  void eachFailureDialsTheNextListenerInTurn() {
    Backoff backoff = new Backoff(SETTINGS, NODES);
    List<InetSocketAddress> dialled = new ArrayList<>(List.of(backoff.address()));
    for (int i = 0; i < 4; i++) {
      backoff.failed(0.5);
      dialled.add(backoff.address());
    }
    assertThat(dialled).containsExactly(address(1), address(2), address(3), address(1), address(2));
  }

  @Test
  void resetStartsTheDelaysAgainButKeepsTheListener() {
    Backoff backoff = new Backoff(SETTINGS, NODES);
    backoff.failed(0);
    backoff.failed(0);
    backoff.failed(0);
    InetSocketAddress current = backoff.address();
    backoff.reset();
    assertThat(backoff.attempt()).isZero();
    assertThat(backoff.address()).isEqualTo(current);
    assertThat(backoff.failed(0)).isEqualTo(SETTINGS.backoffMin());
  }
}
