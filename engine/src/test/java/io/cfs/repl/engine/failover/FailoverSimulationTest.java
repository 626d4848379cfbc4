package io.cfs.repl.engine.failover;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized schedules against the failover core, checked after every delivery and tick:
 * (a) never two sites primary in one epoch (every promotion ever is tracked);
 * (b) at most one site accepts writes at any instant, and only in the newest epoch ever promoted;
 * (c) the epochs a site holds never decrease, across restarts too;
 * (d) a live site's state is always what its journal rebuilds (every change is persisted);
 * and liveness: with three voters or more, a writable primary within a bound after the last fault heals.
 *
 * <p>Replay one run with {@code -Dfailover.seed=N}; {@code -Dfailover.runs} and {@code -Dfailover.steps} size the
 * search; {@code -Dfailover.checkRecovery=false} drops (d), to see whether (a)-(c) alone catch a broken rule.
 */
class FailoverSimulationTest {
  private static final int RUNS = Integer.getInteger("failover.runs", 500);
  private static final int FAULT_STEPS = Integer.getInteger("failover.steps", 300);

  @Test
  void randomSchedulesKeepOnePrimaryPerEpochAndOneWriterAtATime() {
    String one = System.getProperty("failover.seed");
    long[] seeds = one != null ? new long[] {Long.parseLong(one)} : new SplittableRandom().longs(RUNS).toArray();
    boolean checkRecovery = Boolean.parseBoolean(System.getProperty("failover.checkRecovery", "true"));
    FailoverSimulation.Stats stats = new FailoverSimulation.Stats();
    long started = System.nanoTime();
    for (long seed : seeds) {
      System.out.println("seed=" + seed);
      FailoverSimulation run = new FailoverSimulation(seed, stats, checkRecovery);
      try {
        run.run(FAULT_STEPS);
      } catch (AssertionError e) {
        throw new AssertionError("seed=" + seed + " (" + run.describe() + ") failed; replay with -Dfailover.seed="
            + seed + ": " + e.getMessage() + "\n" + run.dump(), e);
      }
    }
    System.out.printf("failover simulation: %d runs, %d steps, %.0f s simulated, %d messages, %d promotions "
            + "(highest epoch %d), %d crashes, %d partitions, %d manual failovers; after the heal a writer within "
            + "%d ms on average, %d ms at most (%d runs with >= 3 voters); %d ms%n",
        stats.runs, stats.steps, stats.simulatedMillis / 1000.0, stats.messages, stats.promotions, stats.maxEpoch,
        stats.crashes, stats.partitions, stats.manualFailovers,
        stats.livenessRuns == 0 ? 0 : stats.recoveryMillisTotal / stats.livenessRuns, stats.recoveryMillisMax,
        stats.livenessRuns, (System.nanoTime() - started) / 1_000_000);
  }
}
