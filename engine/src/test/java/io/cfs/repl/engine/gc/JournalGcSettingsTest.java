package io.cfs.repl.engine.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.node.NodeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JournalGcSettingsTest {
  @Test
  void theDefaultsCollectEveryTenSecondsKeepingAThousandEntriesPerShard() {
    assertThat(JournalGcSettings.create(NodeConfig.base()))
        .isEqualTo(new JournalGcSettings(true, Duration.ofSeconds(10), 1000, Duration.ofSeconds(5)));
  }

  @Test
  void aBadValueIsRefusedNamingItsKey() {
    assertThatThrownBy(() -> JournalGcSettings.create(ConfigFactory.parseString(
        "cfs-repl.journal-gc.keep-entries = -1").withFallback(NodeConfig.base())))
        .hasMessageContaining("cfs-repl.journal-gc.keep-entries");
    assertThatThrownBy(() -> JournalGcSettings.create(ConfigFactory.parseString(
        "cfs-repl.journal-gc.interval = 0s").withFallback(NodeConfig.base())))
        .hasMessageContaining("cfs-repl.journal-gc.interval");
  }
}
