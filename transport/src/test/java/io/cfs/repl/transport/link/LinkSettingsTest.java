package io.cfs.repl.transport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkSettingsTest {
  @Test
  void referenceDefaults() {
    LinkSettings s = LinkSettings.create(ConfigFactory.defaultReference());
    assertEquals(4, s.protocolVersion());
    assertEquals(16 * 1024 * 1024, s.maxFrameBytes());
    assertEquals(512, s.compressionThresholdBytes());
    assertEquals(Duration.ofSeconds(3), s.connectTimeout());
    assertEquals(Duration.ofSeconds(3), s.handshakeTimeout());
    assertEquals(Duration.ofSeconds(30), s.idleTimeout());
    assertTrue(s.tcpNoDelay());
  }

  @Test
  void outOfRangeValueNamesItsKey() {
    assertRefused("max-frame-bytes = 100", "cfs-repl.transport.max-frame-bytes");
    assertRefused("max-frame-bytes = 4 GiB", "cfs-repl.transport.max-frame-bytes");
    assertRefused("idle-timeout = 0s", "cfs-repl.transport.idle-timeout");
    assertRefused("protocol-version = 0", "cfs-repl.transport.protocol-version");
  }

  @Test
  void wrongTypeNamesItsKey() {
    assertRefused("connect-timeout = soon", "cfs-repl.transport.connect-timeout");
  }

  private static void assertRefused(String setting, String key) {
    Config config = ConfigFactory.parseString("cfs-repl.transport." + setting)
        .withFallback(ConfigFactory.defaultReference());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkSettings.create(config));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
