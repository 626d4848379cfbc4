package io.cfs.repl.persistence.store;

import io.cfs.repl.model.shard.Gap;
import static io.cfs.repl.model.entry.TestEntries.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every {@link MetadataStore} must do, run by the test of each implementation on its own store. */
final class StoreScenarios {
  private StoreScenarios() {
  }

  /** On an empty store: a hole in a shard refuses that shard's part of the batch and writes nothing of it. */
  static void aGapRefusesOnlyItsShard(MetadataStore store, String origin) {
    store.apply(origin, range(origin, 3, 1, 2));
    List<JournalEntry> batch = new ArrayList<>(range(origin, 1, 1, 3));
    batch.addAll(range(origin, 2, 2, 3));
    batch.addAll(range(origin, 3, 1, 3));
    batch.addAll(range(origin, 4, 1, 2));
    batch.addAll(range(origin, 4, 4, 5));

    ApplyResult result = store.apply(origin, batch);

    assertEquals(List.of(new Gap(2, 1, 2), new Gap(4, 3, 4)), result.gaps());
    assertEquals(4, result.applied(), "shard 1 and the new entry of shard 3");
    assertEquals(2, result.skipped());
    assertEquals(Map.of(1, 3L, 2, 0L, 3, 3L, 4, 0L), result.watermarks());
    assertEquals(Map.of(1, 3L, 3, 3L), store.watermarks(origin));
    assertTrue(store.get(range(origin, 1, 3, 3).get(0).inodeId()).isPresent());
    assertTrue(store.get(range(origin, 2, 2, 2).get(0).inodeId()).isEmpty());
    assertTrue(store.get(range(origin, 4, 1, 1).get(0).inodeId()).isEmpty(),
        "nothing of a shard with a hole is written");
  }
}
