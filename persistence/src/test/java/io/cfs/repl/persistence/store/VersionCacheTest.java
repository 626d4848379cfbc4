package io.cfs.repl.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Version;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's cache of inode versions: it may forget, never mislead. */
class VersionCacheTest {
  @TempDir
  Path dir;

  @Test
  void aCachedVersionIsReturnedUntilACollidingInodeReplacesIt() {
    VersionCache cache = new VersionCache(1);
    assertThat(cache.get(7)).isNull();
    cache.put(7, new Version(100, "site-a"));
    assertThat(cache.get(7)).isEqualTo(new Version(100, "site-a"));
    cache.put(8, new Version(200, "site-b")); // one slot: 8 takes it
    assertThat(cache.get(7)).isNull();
    assertThat(cache.get(8)).isEqualTo(new Version(200, "site-b"));
    cache.clear();
    assertThat(cache.get(8)).isNull();
  }

  @Test
  void offItCachesNothingAndAnInodeIdEqualToTheEmptyMarkerIsNeverCached() {
    VersionCache off = new VersionCache(0);
    off.put(1, new Version(1, "site-a"));
    assertThat(off.get(1)).isNull();
    VersionCache cache = new VersionCache(16);
    assertThat(cache.get(Long.MIN_VALUE)).isNull();
    cache.put(Long.MIN_VALUE, new Version(1, "site-a"));
    assertThat(cache.get(Long.MIN_VALUE)).isNull();
  }

  @Test
  void originsPastTheTableAreReadFromTheStoreInstead() {
    VersionCache cache = new VersionCache(1024);
    for (int i = 0; i < 300; i++) cache.put(i, new Version(i, "site-" + i));
    assertThat(cache.get(254)).isEqualTo(new Version(254, "site-254"));
    assertThat(cache.get(255)).isNull();
    assertThat(cache.get(299)).isNull();
  }

  /**
   * Three origins overwrite, delete and lose against each other on a few hundred inodes; a store whose cache of 4
   * slots collides all the time, reopened half-way (its cache then empty), decides exactly as one without a cache.
   */
  @Test
  void lastWriteWinsDecidesTheSameWithACollidingCacheAsWithoutOne() {
    Random random = new Random(11);
    List<Long> inodes = LongStream.rangeClosed(1, 300).boxed().toList();
    List<List<JournalEntry>> histories = List.of(
        MetadataStoreContract.history("site-a", 3_000, inodes, random),
        MetadataStoreContract.history("site-b", 3_000, inodes, random),
        MetadataStoreContract.history("site-c", 3_000, inodes, random));
    StoreSettings defaults = StoreSettings.defaults();
    StoreSettings uncached = new StoreSettings(defaults.sync(), defaults.rocksdb(), 0);
    StoreSettings colliding = new StoreSettings(defaults.sync(), defaults.rocksdb(), 4);
    RocksDbMetadataStore reference = RocksDbMetadataStore.open(dir.resolve("reference"), uncached);
    RocksDbMetadataStore cached = RocksDbMetadataStore.open(dir.resolve("cached"), colliding);
    try {
      int[] sent = new int[3];
      boolean more = true;
      boolean reopened = false;
      while (more) {
        more = false;
        for (int o = 0; o < 3; o++) {
          List<JournalEntry> all = histories.get(o);
          int to = Math.min(all.size(), sent[o] + 1 + random.nextInt(60));
          if (sent[o] >= to) continue;
          List<JournalEntry> batch = all.subList(sent[o], to);
          String origin = batch.get(0).originSite();
          assertThat(cached.apply(origin, batch)).isEqualTo(reference.apply(origin, batch));
          sent[o] = to;
          more = true;
        }
        if (!reopened && sent[0] > 1_500) {
          cached.close();
          cached = RocksDbMetadataStore.open(dir.resolve("cached"), colliding);
          reopened = true;
        }
      }
      assertThat(cached.digest()).isEqualTo(reference.digest());
      assertThat(decisions(cached)).isEqualTo(decisions(reference)).isNotEmpty();
    } finally {
      cached.close();
      reference.close();
    }
  }

  private static List<String> decisions(MetadataStore store) {
    return store.losers(Integer.MAX_VALUE).stream()
        .map(l -> l.inodeId() + " " + l.loser() + " lost to " + l.winner())
        .collect(Collectors.toList());
  }
}
