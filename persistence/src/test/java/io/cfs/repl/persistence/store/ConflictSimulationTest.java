package io.cfs.repl.persistence.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's deterministic simulation: random histories on 2-5 in-process sites, each on a real journal stamped from
 * its real store, delivered in random orders with duplicates and delays ({@link Simulation}). Every site must end
 * identical, with each inode at its last-write-wins maximum, and must have recorded exactly the conflicts that an
 * independent model on explicit sets of writes implies ({@link ConflictOracle}).
 *
 * <p>Each run prints its seed; {@code -Dsim.seed=N} replays that one run in every test, {@code -Dsim.runs=N} runs N
 * random seeds per test.
 */
class ConflictSimulationTest {
  private static final int ALL = Integer.MAX_VALUE;

  @TempDir
  Path dir;

  @Test
  void concurrentHistoriesConvergeAndRecordExactlyTheConflictsTheyImply() {
    List<WriteConflict> recorded = new ArrayList<>();
    forEachRun("concurrent", 20, 3, 5, true, sim -> steps(sim, 150, Simulation.Writes.CONCURRENT), sim -> {
      assertEveryLostWriteIsReported(sim);
      sim.sites.forEach(site -> recorded.addAll(site.store.conflicts(0, ALL)));
    });
    System.out.println("ConflictSimulationTest concurrent: " + recorded.size() + " conflicts recorded, "
        + recorded.stream().filter(c -> !c.concurrent()).count() + " of them not concurrent");
    assertTrue(recorded.size() > 0, "colliding writes on a small pool of inodes met no conflict at all");
  }

  @Test
  void sequentialHistoriesRecordNoConflict() {
    forEachRun("sequential", 10, 3, 5, false, sim -> steps(sim, 150, Simulation.Writes.SEQUENTIAL), sim -> {
      for (long inode : sim.inodes) {
        List<SimWrite> writes = sim.oracle.writes(inode);
        if (!writes.isEmpty()) {
          assertEquals(Set.copyOf(writes), sim.oracle.saw(winner(writes)),
              "seed " + sim.seed + ": a sequential history's last write has seen every write of inode " + inode);
        }
      }
      for (SimSite site : sim.sites) {
        assertEquals(List.of(), site.store.conflicts(0, ALL), "seed " + sim.seed + ": conflicts on " + site.id);
      }
    });
  }

  @Test
  void writesMadeApartConflictOncePerInodeOnEverySiteWithOneWinner() {
    forEachRun("apart", 10, 2, 4, true, sim -> {
      sim.writeApart(sim.sites.get(0), sim.sites.get(1));
      steps(sim, 50, Simulation.Writes.NONE);
    }, sim -> {
      for (SimSite site : sim.sites) {
        List<WriteConflict> recorded = site.store.conflicts(0, ALL);
        assertEquals(sim.inodes, recorded.stream().map(WriteConflict::inodeId).sorted().toList(),
            "seed " + sim.seed + ": one conflict per inode on " + site.id);
        for (WriteConflict c : recorded) {
          assertEquals(winner(sim.oracle.writes(c.inodeId())).version(), c.winner(),
              "seed " + sim.seed + ": winner on " + site.id + " of " + c);
          assertTrue(c.concurrent(), "seed " + sim.seed + ": neither write had seen the other: " + c);
        }
      }
    });
  }

  /**
   * Runs one history per seed: made by {@code history}, then settled (everything applied everywhere), then checked for
   * convergence and against the oracle, then by {@code checks}.
   */
  private void forEachRun(String name, int runs, int minSites, int maxSites, boolean mayLag,
                          Consumer<Simulation> history, Consumer<Simulation> checks) {
    List<Long> seeds = seeds(runs);
    for (int run = 0; run < seeds.size(); run++) {
      try (Simulation sim = new Simulation(dir.resolve(name + "-" + run), seeds.get(run), minSites, maxSites, mayLag)) {
        history.accept(sim);
        sim.settle();
        assertConverged(sim);
        assertConflictsAsTheOracleSays(sim);
        checks.accept(sim);
        printOutcome(sim);
      }
    }
  }

  /** {@code atLeast} to twice as many random steps. */
  private static void steps(Simulation sim, int atLeast, Simulation.Writes writes) {
    int steps = atLeast + sim.random.nextInt(atLeast + 1);
    for (int i = 0; i < steps; i++) sim.step(writes);
  }

  /** Same digest everywhere, and each inode holds the last-write-wins maximum of every write made to it. */
  private static void assertConverged(Simulation sim) {
    StoreDigest first = sim.sites.get(0).store.digest();
    for (SimSite site : sim.sites) {
      assertEquals(first, site.store.digest(), "seed " + sim.seed + ": " + site.id + " differs from "
          + sim.sites.get(0).id + " (" + sim.describe() + ")");
      for (long inode : sim.inodes) {
        List<SimWrite> writes = sim.oracle.writes(inode);
        if (writes.isEmpty()) {
          assertTrue(site.store.get(inode).isEmpty(), "seed " + sim.seed + ": inode " + inode + " never written");
          continue;
        }
        SimWrite winner = winner(writes);
        StoredValue held = site.store.get(inode).orElseThrow();
        String what = "seed " + sim.seed + ": inode " + inode + " on " + site.id;
        assertEquals(winner.version(), held.version(), what);
        assertEquals(winner.delete(), held.tombstone(), what);
        assertArrayEquals((winner.site() + "/" + winner.shard() + "/" + winner.seq()).getBytes(StandardCharsets.UTF_8),
            held.payload(), what);
      }
    }
  }

  /**
   * Every site recorded the oracle's conflicts, in order, with dense ids from 1; every entry of every journal was
   * stamped with what the oracle says its writer had seen.
   */
  private static void assertConflictsAsTheOracleSays(Simulation sim) {
    for (SimSite site : sim.sites) {
      List<WriteConflict> recorded = site.store.conflicts(0, ALL);
      assertEquals(LongStream.rangeClosed(1, recorded.size()).boxed().toList(),
          recorded.stream().map(WriteConflict::id).toList(), "seed " + sim.seed + ": ids on " + site.id);
      assertEquals(sim.oracle.conflicts(site.id), recorded.stream().map(sim::met).toList(),
          "seed " + sim.seed + ": conflicts on " + site.id);
      for (JournalEntry e : site.history()) {
        assertEquals(sim.oracle.saw(SimWrite.of(e)), sim.writesIn(e.seenWithSelf(), e.inodeId()),
            "seed " + sim.seed + ": stamp of " + e);
      }
    }
  }

  /**
   * The history checker's property: a write that is neither the inode's final value nor in its writer's past was
   * lost, so some site must have recorded it lost unseen.
   */
  private static void assertEveryLostWriteIsReported(Simulation sim) {
    List<WriteConflict> everywhere = sim.sites.stream().flatMap(s -> s.store.conflicts(0, ALL).stream()).toList();
    for (long inode : sim.inodes) {
      List<SimWrite> writes = sim.oracle.writes(inode);
      if (writes.isEmpty()) continue;
      Set<SimWrite> past = sim.oracle.saw(winner(writes));
      for (SimWrite w : writes) {
        if (past.contains(w)) continue;
        assertTrue(everywhere.stream().anyMatch(c -> c.inodeId() == inode && c.lostUnseen(w.site(), w.seq())),
            "seed " + sim.seed + ": " + w + " of inode " + inode + " was lost to " + winner(writes)
                + " and no site reported it (" + sim.describe() + ")");
      }
    }
  }

  /** What a replay of the seed must print again. */
  private static void printOutcome(Simulation sim) {
    long conflicts = sim.sites.stream().mapToLong(s -> s.store.conflicts(0, ALL).size()).sum();
    System.out.println("ConflictSimulationTest seed " + sim.seed + ": " + sim.describe() + "; " + conflicts
        + " conflicts, digest " + sim.sites.get(0).store.digest().hash());
  }

  private static SimWrite winner(List<SimWrite> writes) {
    return writes.stream().max(Comparator.comparing(SimWrite::version)).orElseThrow();
  }

  /** The seeds of the runs: {@code -Dsim.seed} alone, else {@code -Dsim.runs} (or {@code runs}) random ones. */
  private static List<Long> seeds(int runs) {
    String replay = System.getProperty("sim.seed");
    List<Long> seeds = replay != null ? List.of(Long.parseLong(replay))
        : LongStream.generate(() -> ThreadLocalRandom.current().nextLong()).limit(Integer.getInteger("sim.runs", runs))
            .boxed().toList();
    seeds.forEach(seed -> System.out.println("ConflictSimulationTest seed " + seed));
    return seeds;
  }
}
