package io.cfs.repl.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

class DirectPutsTest {
  @TempDir
  Path dir;

  /**
   * One batch of puts through the thread's buffers, of sizes that make them grow, pass the size they keep and go back
   * to small: every key and value reads back as put, none holding bytes of another.
   */
  @Test
  void putsOfEverySizeReadBackAsPut() throws Exception {
    Map<String, byte[]> written = new LinkedHashMap<>();
    Random random = new Random(7);
    int[] sizes = {0, 10, 4096, 5000, 70_000, 3_000_000, 100, 2_000_000, 1};
    for (int i = 0; i < sizes.length; i++) {
      byte[] value = new byte[sizes[i]];
      random.nextBytes(value);
      written.put("key-" + i + "-" + "k".repeat(i * 20), value);
    }
    RocksDbSettings settings = new RocksDbSettings(8 << 20, 2, RocksDbSettings.Compression.NONE, 1 << 20, 1);
    try (RocksDbHandle rocks = RocksDbHandle.open(dir, settings, List.of("other"));
         WriteBatch batch = new WriteBatch();
         WriteOptions options = new WriteOptions()) {
      DirectPuts puts = DirectPuts.ofThisThread();
      int i = 0;
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        puts.key(key.length).put(key);
        puts.value(e.getValue().length).put(e.getValue());
        puts.put(batch, i++ % 2 == 0 ? null : rocks.column("other"));
      }
      rocks.db().write(options, batch);
      i = 0;
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] read = i++ % 2 == 0 ? rocks.db().get(key) : rocks.db().get(rocks.column("other"), key);
        assertThat(read).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void theBuffersComeBackClearedWithRoomEnough() {
    DirectPuts puts = DirectPuts.ofThisThread();
    ByteBuffer value = puts.value(10);
    value.put(new byte[10]);
    ByteBuffer again = puts.value(100_000);
    assertThat(again.isDirect()).isTrue();
    assertThat(again.position()).isZero();
    assertThat(again.remaining()).isGreaterThanOrEqualTo(100_000);
    assertThat(puts.key(12).position()).isZero();
  }
}
