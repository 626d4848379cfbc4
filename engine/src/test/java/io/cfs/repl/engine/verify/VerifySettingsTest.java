package io.cfs.repl.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.node.NodeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Verify settings: how many values a repair request carries follows the largest payload, so a request fits a frame. */
class VerifySettingsTest {
  private static VerifySettings with(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(NodeConfig.base()).resolve();
    return VerifySettings.create(config);
  }

  @Test
  void valuesPerRequestFitHalfAFrameOfTheLargestPayloads() {
    assertEquals(127, with("").valuesPerRequest(), "16 MiB frames, 64 KiB payloads");
    assertEquals(1, with("cfs-repl.persistence.journal.max-payload-bytes = 16 MiB").valuesPerRequest());
    assertEquals(128, with("cfs-repl.persistence.journal.max-payload-bytes = 1 KiB").valuesPerRequest());
    VerifySettings big = with("cfs-repl.persistence.journal.max-payload-bytes = 1 MiB");
    assertTrue(big.valuesPerRequest() * (1024L * 1024 + 512) <= 8L * 1024 * 1024, "fits half a frame: " + big);
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VerifySettings(Duration.ZERO, 10));
    assertTrue(e.getMessage().contains("cfs-repl.verify.request-timeout"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> with("cfs-repl.verify.max-listed = -1"));
  }
}
