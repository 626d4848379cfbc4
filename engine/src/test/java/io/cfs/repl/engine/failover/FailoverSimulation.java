package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.failover.Action.Persist;
import io.cfs.repl.engine.failover.FailoverEvent.Promoted;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One randomized schedule against the failover core: a mesh of 2, 3 or 5 sites with or without a witness, a lossy
 * network, partitions that come and go, crashes (also partway through an action list) and restarts from the
 * journal, planned and forced failovers, and a write workload. Then every fault heals and, with three voters or
 * more, a writable primary must appear. Invariants are checked after every delivery and every tick.
 */
final class FailoverSimulation {
  static final long LIVENESS_BOUND_MILLIS = 20_000;

  /** Totals over all runs, printed at the end. */
  static final class Stats {
    long runs, steps, simulatedMillis, messages, promotions, crashes, partitions, manualFailovers, maxEpoch;
    long livenessRuns, recoveryMillisTotal, recoveryMillisMax;
  }

  private final SplittableRandom random;
  private final FailoverSettings settings;
  private final SimMesh mesh;
  private final Stats stats;
  private final boolean checkRecovery;
  /** Every promotion ever, epoch to site: invariant (a). */
  private final Map<Long, String> promotions = new TreeMap<>();
  private long newestEpoch = -1;
  /** Highest (epoch, vote epoch) each site ever held, across restarts: invariant (c). */
  private final Map<String, long[]> highest = new HashMap<>();
  /** Writes accepted per epoch, and how much of its epoch's journal each data site holds (durable data). */
  private final Map<Long, Long> written = new HashMap<>();
  private final Map<String, long[]> held = new HashMap<>(); // site -> {epoch, held}
  private final Map<String, ResolverState> rebuilt = new HashMap<>();
  private final Map<String, Integer> rebuiltUpTo = new HashMap<>();

  FailoverSimulation(long seed, Stats stats, boolean checkRecovery) {
    this.random = new SplittableRandom(seed);
    this.stats = stats;
    this.checkRecovery = checkRecovery;
    int sites = new int[] {2, 3, 5}[random.nextInt(3)];
    this.settings = SimMesh.settings(sites, random.nextBoolean(), random.nextBoolean());
    this.mesh = new SimMesh(settings, random.nextLong());
    // Elections assume a round trip shorter than election-backoff.min (100 ms here); slow messages break that rule.
    mesh.maxDelay = random.nextLong(5, 50);
    mesh.slowRate = random.nextDouble(0.05);
    mesh.perLinkDelays = random.nextBoolean();
    mesh.dropRate = random.nextDouble(0.2);
    mesh.duplicateRate = random.nextDouble(0.1);
    mesh.crashMidActions = 0.002;
    mesh.crashAroundPersist = random.nextDouble(0.3);
    mesh.rebootWithinMillis = 300;
    settings.initialPrimary().ifPresent(p -> {
      promotions.put(0L, p);
      newestEpoch = 0;
    });
    mesh.onAction = this::onAction;
    mesh.afterEvent = this::checkSafety;
    mesh.startAll();
  }

  String describe() {
    return settings.sites().size() + " sites" + settings.witness().map(w -> " + witness").orElse("")
        + settings.initialPrimary().map(p -> ", initial primary " + p).orElse(", no initial primary")
        + ", delay <= " + mesh.maxDelay + " ms (" + Math.round(mesh.slowRate * 100) + "% up to 1 s more), drop "
        + Math.round(mesh.dropRate * 100) + "%, duplicate " + Math.round(mesh.duplicateRate * 100) + "%, crash "
        + Math.round(mesh.crashAroundPersist * 100) + "% around a persist";
  }

  /** Each site's state at the end, for a failure message. */
  String dump() {
    StringBuilder b = new StringBuilder("at " + mesh.now + " ms, promotions " + promotions);
    for (String voter : settings.voters()) {
      FailoverMember m = mesh.live.get(voter);
      b.append("\n  ").append(voter).append(m == null ? " down" : ": " + m.state() + ", writes "
          + m.acceptsWrites(mesh.now) + ", held " + java.util.Arrays.toString(held.get(voter)));
    }
    return b.toString();
  }

  void run(int faultSteps) {
    for (int i = 0; i < faultSteps; i++) {
      injectFault();
      step();
    }
    settings.voters().stream().filter(v -> !mesh.live.containsKey(v)).forEach(mesh::start);
    mesh.healLinks();
    mesh.dropRate = 0;
    mesh.crashMidActions = 0;
    mesh.crashAroundPersist = 0;
    long healedAt = mesh.now;
    while (mesh.writer() == null && mesh.now - healedAt < LIVENESS_BOUND_MILLIS) step();
    if (settings.voters().size() >= 3) {
      assertThat(mesh.writer()).as("a writable primary within %d ms of the heal", LIVENESS_BOUND_MILLIS).isNotNull();
      stats.livenessRuns++;
      stats.recoveryMillisTotal += mesh.now - healedAt;
      stats.recoveryMillisMax = Math.max(stats.recoveryMillisMax, mesh.now - healedAt);
    }
    stats.runs++;
    stats.simulatedMillis += mesh.now;
    stats.messages += mesh.sent;
    stats.maxEpoch = Math.max(stats.maxEpoch, newestEpoch);
  }

  private void step() {
    mesh.advance(1 + random.nextInt(30));
    workload();
    stats.steps++;
  }

  private void injectFault() {
    List<String> live = List.copyOf(mesh.live.keySet());
    List<String> down = settings.voters().stream().filter(v -> !mesh.live.containsKey(v)).toList();
    if (!live.isEmpty() && random.nextDouble() < 0.01) {
      mesh.crash(pick(live));
      stats.crashes++;
    }
    if (!live.isEmpty() && random.nextDouble() < 0.01) { // a quick reboot: all that survives is the journal
      String site = pick(live);
      mesh.crash(site);
      mesh.start(site);
      stats.crashes++;
    }
    if (!down.isEmpty() && random.nextDouble() < 0.03) mesh.start(pick(down));
    if (random.nextDouble() < 0.02) partition();
    if (random.nextDouble() < 0.01) mesh.healLinks(); // partitions last about twice down-after
    if (random.nextDouble() < 0.05) flapOneLink(); // links that come and go open the narrow windows
    if (random.nextDouble() < 0.004) plannedSwitchover();
    if (random.nextDouble() < 0.004) {
      String target = pick(settings.sites());
      if (mesh.live.containsKey(target) && operatorMayForce(target)) {
        mesh.apply(target, mesh.resolver(target).onManualFailover(target, true, mesh.now));
      }
      stats.manualFailovers++;
    }
  }

  /**
   * With two voters a forced failover may promote its target alone, on the operator's word that the other site is
   * down: the system cannot check that word (see Resolver), so the operator simulated here keeps it, and forces a
   * site only while the other one is down and the target's status shows the newest epoch. With three voters or more
   * any forced failover is safe, and random ones are issued.
   */
  private boolean operatorMayForce(String target) {
    if (settings.voters().size() > 2) return true;
    boolean otherDown = settings.sites().stream().noneMatch(s -> !s.equals(target) && mesh.live.containsKey(s));
    return otherDown && mesh.live.get(target).state().epoch() == newestEpoch;
  }

  /** Either two random groups cut from each other, or random one-way link cuts. */
  private void partition() {
    stats.partitions++;
    List<String> voters = settings.voters();
    if (random.nextBoolean()) {
      Map<String, Boolean> side = new HashMap<>();
      voters.forEach(v -> side.put(v, random.nextBoolean()));
      for (String a : voters) for (String b : voters) if (side.get(a) != side.get(b)) mesh.cut(a, b);
    } else {
      for (String a : voters) for (String b : voters) if (!a.equals(b) && random.nextDouble() < 0.3) mesh.cut(a, b);
    }
  }

  private void flapOneLink() {
    String from = pick(settings.voters());
    String to = pick(settings.voters());
    if (mesh.linked(from, to)) mesh.cut(from, to);
    else mesh.restore(from, to);
  }

  private void plannedSwitchover() {
    List<String> primaries = mesh.live.keySet().stream()
        .filter(s -> mesh.live.get(s).state().role() == Role.PRIMARY).toList();
    if (primaries.isEmpty()) return;
    String primary = pick(primaries);
    String target = pick(settings.sites().stream().filter(s -> !s.equals(primary)).toList());
    mesh.apply(primary, mesh.resolver(primary).onManualFailover(target, false, mesh.now));
    stats.manualFailovers++;
  }

  /** The writer writes; secondaries that hear their primary catch up now and then; a caught-up target says so. */
  private void workload() {
    for (String site : settings.sites()) {
      Resolver resolver = (Resolver) mesh.live.get(site);
      if (resolver == null) continue;
      long epoch = resolver.state().epoch();
      long[] mine = held.computeIfAbsent(site, s -> new long[] {epoch, 0});
      if (mine[0] != epoch) {
        mine[0] = epoch; // a new epoch: the journal of another primary
        mine[1] = 0;
      }
      if (resolver.acceptsWrites(mesh.now)) mine[1] = written.merge(epoch, 1L, Long::sum);
      String primary = resolver.state().primary();
      if (primary != null && !primary.equals(site) && mesh.live.containsKey(primary) && mesh.linked(primary, site)
          && random.nextDouble() < 0.3) {
        mine[1] = written.getOrDefault(epoch, 0L);
      }
      resolver.onJournalProgress(mine[1]);
    }
    for (String site : settings.sites()) {
      Resolver resolver = (Resolver) mesh.live.get(site);
      String target = resolver == null ? null : resolver.switchoverTarget();
      long[] theirs = target == null ? null : held.get(target);
      long epoch = resolver == null ? -1 : resolver.state().epoch();
      if (theirs != null && mesh.live.containsKey(target) && theirs[0] == epoch
          && theirs[1] == written.getOrDefault(epoch, 0L) && random.nextDouble() < 0.3) {
        mesh.apply(site, resolver.onTargetCaughtUp(target, mesh.now));
      }
    }
  }

  private void onAction(String site, Action action) {
    if (action instanceof Persist p && p.event() instanceof Promoted promoted) {
      stats.promotions++;
      String before = promotions.putIfAbsent(promoted.epoch(), promoted.site());
      check(before == null || before.equals(promoted.site()),
          () -> "(a) " + before + " and " + promoted.site() + " both promoted in epoch " + promoted.epoch());
      newestEpoch = Math.max(newestEpoch, promoted.epoch());
    }
  }

  /** Plain checks, not AssertJ: this runs millions of times per build. */
  private void checkSafety() {
    String writer = null;
    for (Map.Entry<String, FailoverMember> entry : mesh.live.entrySet()) {
      String site = entry.getKey();
      ResolverState state = entry.getValue().state();
      check(state.role() != Role.PRIMARY || site.equals(promotions.get(state.epoch())),
          () -> "(a) " + site + " is primary of epoch " + state.epoch() + ", won by " + promotions.get(state.epoch()));
      if (entry.getValue().acceptsWrites(mesh.now)) {
        String other = writer;
        check(other == null, () -> "(b) " + other + " and " + site + " both accept writes at " + mesh.now);
        check(state.epoch() == newestEpoch,
            () -> "(b) " + site + " writes in epoch " + state.epoch() + " at " + mesh.now + ", after " + newestEpoch);
        writer = site;
      }
      long[] max = highest.computeIfAbsent(site, s -> new long[2]);
      check(state.epoch() >= max[0], () -> "(c) epoch of " + site + " went from " + max[0] + " to " + state.epoch());
      check(state.voteEpoch() >= max[1],
          () -> "(c) vote epoch of " + site + " went from " + max[1] + " to " + state.voteEpoch());
      max[0] = state.epoch();
      max[1] = state.voteEpoch();
      if (checkRecovery) {
        ResolverState rebuilt = rebuilt(site);
        check(state.equals(rebuilt), () -> "(d) " + site + " holds " + state + " but its journal gives " + rebuilt);
      }
    }
  }

  /** What the site's journal rebuilds, folded as the journal grows (it is append-only, restarts included). */
  private ResolverState rebuilt(String site) {
    List<FailoverEvent> journal = mesh.journals.get(site);
    ResolverState state = rebuilt.computeIfAbsent(site, s -> ResolverState.initial(s, settings));
    for (int i = rebuiltUpTo.getOrDefault(site, 0); i < journal.size(); i++) state = state.apply(journal.get(i));
    rebuilt.put(site, state);
    rebuiltUpTo.put(site, journal.size());
    return state;
  }

  private static void check(boolean ok, Supplier<String> violation) {
    if (!ok) throw new AssertionError(violation.get());
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
