package io.cfs.repl.engine.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule of journal GC: an entry goes once every peer acknowledged it and the local apply passed it. */
class CollectionPlanTest {
  private static final Map<Integer, Long> HEADS = Map.of(0, 100L, 1, 50L, 2, 10L);

  @Test
  void eachShardGoesUpToTheLowestOfEveryPeersCursorAndTheLocalApply() {
    CollectionPlan plan = CollectionPlan.of("a", HEADS, Map.of(0, 90L, 1, 50L, 2, 10L),
        Map.of("b", Map.of(0, 95L, 1, 20L, 2, 10L), "c", Map.of(0, 100L, 1, 30L)), Set.of(), 0);

    assertThat(plan.upTo()).as("shard 2: c acknowledged nothing of it").isEqualTo(Map.of(0, 90L, 1, 20L));
    assertThat(plan.behind()).isEqualTo(Map.of("a", 10L, "b", 5L + 30, "c", 20L + 10));
    assertThat(plan.holder()).isEqualTo(new HorizonHolder("b", 35));
  }

  @Test
  void theNewestEntriesAreKeptByTheMargin() {
    CollectionPlan plan = CollectionPlan.of("a", HEADS, HEADS, Map.of("b", HEADS), Set.of(), 20);

    assertThat(plan.upTo()).isEqualTo(Map.of(0, 80L, 1, 30L));
    assertThat(plan.holder()).as("every site has everything").isNull();
  }

  @Test
  void aPeerWhoseCursorsAreUnknownStopsTheRoundAndIsNamed() {
    CollectionPlan plan = CollectionPlan.of("a", HEADS, HEADS, Map.of("b", HEADS), Set.of("c"), 0);

    assertThat(plan.upTo()).as("nothing on a guess").isEmpty();
    assertThat(plan.holder()).isEqualTo(new HorizonHolder("c", HorizonHolder.UNKNOWN));
    assertThat(plan.holder().unknown()).isTrue();
  }

  @Test
  void theLocalApplyIsNamedByThisSiteWhenItIsTheOneBehind() {
    CollectionPlan plan = CollectionPlan.of("a", HEADS, Map.of(0, 10L), Map.of("b", HEADS), Set.of(), 0);

    assertThat(plan.upTo()).isEqualTo(Map.of(0, 10L));
    assertThat(plan.holder()).isEqualTo(new HorizonHolder("a", 90 + 50 + 10));
  }

  @Test
  void theHolderIsTheUnknownFirstThenTheFurthestBehindThenByName() {
    assertThat(HorizonHolder.of(Map.of("b", 5L, "c", 5L, "a", 0L))).isEqualTo(new HorizonHolder("b", 5));
    assertThat(HorizonHolder.of(Map.of("b", 500L, "c", -1L))).isEqualTo(new HorizonHolder("c", -1));
    assertThat(HorizonHolder.of(Map.of("b", 0L, "c", 0L))).isNull();
  }
}
