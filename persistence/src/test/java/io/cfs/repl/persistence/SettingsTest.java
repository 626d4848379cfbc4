package io.cfs.repl.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.store.StoreSettings;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void referenceDefaults() {
    JournalSettings journal = JournalSettings.defaults();
    assertEquals(65_536, journal.maxPayloadBytes());
    assertEquals(10_000, journal.maxAppendEntries());
    assertTrue(journal.sync());
    assertEquals(64L << 20, journal.rocksdb().writeBufferSize());
    StoreSettings store = StoreSettings.defaults();
    assertTrue(store.sync());
    assertEquals(128L << 20, store.rocksdb().blockCacheSize());
    assertEquals(BackgroundPriority.LOW, BackgroundPriority.create(ConfigFactory.defaultReference()));
  }

  @Test
  void overridesAreRead() {
    JournalSettings journal = JournalSettings.create(config(
        "cfs-repl.persistence.journal { max-payload-bytes = 1 MiB, sync = off, rocksdb.compression = zstd }"));
    assertEquals(1 << 20, journal.maxPayloadBytes());
    assertFalse(journal.sync());
    assertEquals(RocksDbSettings.Compression.ZSTD, journal.rocksdb().compression());
    assertFalse(StoreSettings.create(config("cfs-repl.persistence.store.sync = off")).sync());
    assertEquals(BackgroundPriority.NORMAL,
        BackgroundPriority.create(config("cfs-repl.persistence.rocksdb-background-priority = Normal")));
  }

  @Test
  void theVersionCacheIsSizedFromTheHeapUnlessToldHowLarge() {
    assertEquals(StoreSettings.autoVersionCacheSlots(Runtime.getRuntime().maxMemory()),
        StoreSettings.defaults().versionCacheSlots());
    assertEquals(1 << 22, StoreSettings.autoVersionCacheSlots(1L << 30), "-Xmx1g: 128 MiB of slots");
    assertEquals(1 << 20, StoreSettings.autoVersionCacheSlots(256L << 20), "-Xmx256m: 32 MiB");
    assertEquals(1 << 20, StoreSettings.autoVersionCacheSlots(384L << 20), "rounded down to a power of two");
    assertEquals(1 << 28, StoreSettings.autoVersionCacheSlots(1L << 40), "at most 2^28 slots");
    assertEquals(1, StoreSettings.autoVersionCacheSlots(1));
    assertEquals(4096, StoreSettings.create(config("cfs-repl.persistence.store.version-cache-slots = 4096"))
        .versionCacheSlots());
    assertEquals(8192, StoreSettings.create(config("cfs-repl.persistence.store.version-cache-slots = \"8192\""))
        .versionCacheSlots(), "as a system property gives it: a string");
    assertEquals(0, StoreSettings.create(config("cfs-repl.persistence.store.version-cache-slots = 0"))
        .versionCacheSlots());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertRefused("cfs-repl.persistence.journal.max-append-entries = 0", "max-append-entries");
    assertRefused("cfs-repl.persistence.journal.max-payload-bytes = 1 GiB", "max-payload-bytes");
    assertRefused("cfs-repl.persistence.journal.rocksdb.compression = brotli",
        "cfs-repl.persistence.journal.rocksdb.compression");
    assertRefused("cfs-repl.persistence.journal.rocksdb.write-buffer-size = 4 KiB",
        "cfs-repl.persistence.journal.rocksdb.write-buffer-size");
    IllegalArgumentException store = assertThrows(IllegalArgumentException.class, () -> StoreSettings.create(
        config("cfs-repl.persistence.store.rocksdb.max-write-buffer-number = 1")));
    assertTrue(store.getMessage().contains("cfs-repl.persistence.store.rocksdb.max-write-buffer-number"),
        store.getMessage());
    for (String slots : new String[] {"3", "lots", "-2"}) {
      IllegalArgumentException cache = assertThrows(IllegalArgumentException.class, () -> StoreSettings.create(
          config("cfs-repl.persistence.store.version-cache-slots = " + slots)));
      assertTrue(cache.getMessage().contains("cfs-repl.persistence.store.version-cache-slots"), cache.getMessage());
    }
    IllegalArgumentException priority = assertThrows(IllegalArgumentException.class, () -> BackgroundPriority.create(
        config("cfs-repl.persistence.rocksdb-background-priority = high")));
    assertTrue(priority.getMessage().contains("cfs-repl.persistence.rocksdb-background-priority"),
        priority.getMessage());
  }

  private static void assertRefused(String override, String key) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JournalSettings.create(config(override)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference());
  }
}
