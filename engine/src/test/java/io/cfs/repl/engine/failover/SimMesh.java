package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.Action.Persist;
import io.cfs.repl.engine.failover.Action.Send;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A simulated mesh of failover members on one simulated clock: a network with delays (hence reordering), drops,
 * duplicates and cut links; crashes, optionally partway through an action list; restarts from the persisted events
 * alone. Deterministic for a given seed. {@link #afterEvent} runs after every delivery and every tick.
 */
final class SimMesh {
  private record InFlight(long at, long seq, String from, String to, FailoverMessage message) {}

  /** An action a site carried out, and when. */
  record Recorded(long at, String site, Action action) {}

  final FailoverSettings settings;
  final Map<String, FailoverMember> live = new TreeMap<>();
  final Map<String, List<FailoverEvent>> journals = new TreeMap<>();
  private final SplittableRandom random;
  private final PriorityQueue<InFlight> inFlight =
      new PriorityQueue<>(Comparator.comparingLong(InFlight::at).thenComparingLong(InFlight::seq));
  private final Set<String> cutLinks = new HashSet<>();
  private long seq;
  long now;
  long sent;
  double dropRate;
  double duplicateRate;
  long minDelay = 1;
  long maxDelay = 1;
  /** Chance that a message is held up to {@link #SLOW_MILLIS} more, far beyond its siblings (reordering). */
  double slowRate;
  static final long SLOW_MILLIS = 1000;
  /** Whether each one-way link draws its own longest delay (sites far apart, asymmetric routes). */
  boolean perLinkDelays;
  private final Map<String, Long> linkMaxDelay = new HashMap<>();
  /** Chance that a site crashes while carrying out one list of actions (one that persists something / any other). */
  double crashAroundPersist;
  double crashMidActions;
  /** A site that crashed while carrying out actions restarts within this time (0: stays down). */
  long rebootWithinMillis;
  private final Map<String, Long> reboots = new TreeMap<>();
  BiConsumer<String, Action> onAction = (site, action) -> { };
  /** Every action carried out, if {@link #recording}. */
  final List<Recorded> recorded = new ArrayList<>();
  boolean recording;
  Runnable afterEvent = () -> { };

  /** The timings of every test: heartbeat 100 ms, DEGRADED after 3 missed, lease 400 ms, DOWN after 700 ms. */
  static FailoverSettings settings(int sites, boolean witness, boolean initialPrimary) {
    List<String> ids = java.util.stream.IntStream.rangeClosed(1, sites).mapToObj(i -> "s" + i).toList();
    return new FailoverSettings(FailoverMode.ACTIVE_PASSIVE, ids,
        witness ? java.util.Optional.of("w") : java.util.Optional.empty(),
        initialPrimary ? java.util.Optional.of("s1") : java.util.Optional.empty(), java.time.Duration.ofMillis(100), 3,
        java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(400), java.time.Duration.ofMillis(700),
        java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(2000));
  }

  /** A mesh with 5 ms links that records every action and fails at once if two sites accept writes. */
  static SimMesh steady(int sites, boolean witness, boolean initialPrimary) {
    SimMesh mesh = new SimMesh(settings(sites, witness, initialPrimary), 7);
    mesh.minDelay = 5;
    mesh.maxDelay = 5;
    mesh.recording = true;
    mesh.afterEvent = () -> {
      if (mesh.writers().size() > 1) throw new AssertionError("two writers at " + mesh.now + ": " + mesh.writers());
    };
    return mesh.startAll();
  }

  SimMesh(FailoverSettings settings, long seed) {
    this.settings = settings;
    this.random = new SplittableRandom(seed);
    for (String voter : settings.voters()) journals.put(voter, new ArrayList<>());
  }

  SimMesh startAll() {
    settings.voters().forEach(this::start);
    return this;
  }

  /** Starts or restarts a site from its journal alone. */
  void start(String site) {
    List<FailoverEvent> events = List.copyOf(journals.get(site));
    live.put(site, settings.isSite(site)
        ? Resolver.start(site, settings, events, now, new SplittableRandom(random.nextLong()))
        : Witness.start(site, settings, events, now));
  }

  void crash(String site) {
    live.remove(site);
  }

  Resolver resolver(String site) {
    return (Resolver) live.get(site);
  }

  void cut(String from, String to) {
    cutLinks.add(from + ">" + to);
  }

  void isolate(String site) {
    for (String other : settings.voters()) {
      cut(site, other);
      cut(other, site);
    }
  }

  void restore(String from, String to) {
    cutLinks.remove(from + ">" + to);
  }

  void healLinks() {
    cutLinks.clear();
  }

  boolean linked(String from, String to) {
    return !cutLinks.contains(from + ">" + to);
  }

  /**
   * Carries out a site's actions in order; the site may crash before any of them or right after the last, losing
   * the rest. Lists that persist something crash more often: that is where durability bugs live.
   */
  void apply(String site, List<Action> actions) {
    double crashRate = actions.stream().anyMatch(Persist.class::isInstance) ? crashAroundPersist : crashMidActions;
    int crashAt = random.nextDouble() < crashRate ? random.nextInt(actions.size() + 1) : -1;
    for (int i = 0; i <= actions.size(); i++) {
      if (i == crashAt) {
        crash(site);
        if (rebootWithinMillis > 0) reboots.put(site, now + 1 + random.nextLong(rebootWithinMillis));
        return;
      }
      if (i == actions.size()) return;
      Action action = actions.get(i);
      if (action instanceof Persist persist) journals.get(site).add(persist.event());
      if (action instanceof Send send) send(site, send.to(), send.message());
      onAction.accept(site, action);
      if (recording) recorded.add(new Recorded(now, site, action));
    }
  }

  private void send(String from, String to, FailoverMessage message) {
    sent++;
    if (random.nextDouble() < dropRate) return;
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long linkMax = linkMaxDelay.computeIfAbsent(from + ">" + to,
          link -> perLinkDelays ? minDelay + random.nextLong(maxDelay - minDelay + 1) : maxDelay);
      long delay = minDelay + random.nextLong(linkMax - minDelay + 1)
          + (random.nextDouble() < slowRate ? random.nextLong(SLOW_MILLIS) : 0);
      inFlight.add(new InFlight(now + delay, seq++, from, to, message));
    }
  }

  /** Delivers what falls due (each message at its own time), then ticks every live site at the end. */
  void advance(long millis) {
    long end = now + millis;
    while (!inFlight.isEmpty() && inFlight.peek().at() <= end) {
      InFlight m = inFlight.poll();
      now = Math.max(now, m.at());
      FailoverMember member = live.get(m.to());
      if (member == null || !linked(m.from(), m.to())) continue; // lost in a cut link or at a dead site
      apply(m.to(), member.onMessage(m.from(), m.message(), now));
      afterEvent.run();
    }
    now = end;
    for (Map.Entry<String, Long> reboot : List.copyOf(reboots.entrySet())) {
      if (reboot.getValue() <= now) {
        reboots.remove(reboot.getKey());
        if (!live.containsKey(reboot.getKey())) start(reboot.getKey());
      }
    }
    for (String site : List.copyOf(live.keySet())) {
      FailoverMember member = live.get(site);
      if (member == null) continue;
      apply(site, member.onTick(now));
      afterEvent.run();
    }
  }

  void runFor(long millis, long step) {
    long end = now + millis;
    while (now < end) advance(Math.min(step, end - now));
  }

  /** Runs until the condition holds or the time is over; returns whether it held. */
  boolean runUntil(java.util.function.BooleanSupplier condition, long maxMillis, long step) {
    long end = now + maxMillis;
    while (now < end) {
      advance(step);
      if (condition.getAsBoolean()) return true;
    }
    return false;
  }

  /** The events persisted so far, of one type, in order. */
  <E extends FailoverEvent> List<E> persisted(Class<E> type) {
    return recorded.stream().filter(r -> r.action() instanceof Persist p && type.isInstance(p.event()))
        .map(r -> type.cast(((Persist) r.action()).event())).toList();
  }

  List<String> writers() {
    return live.entrySet().stream().filter(e -> e.getValue().acceptsWrites(now)).map(Map.Entry::getKey).toList();
  }

  /** The one site that accepts writes now, or null. */
  String writer() {
    List<String> writers = writers();
    return writers.size() == 1 ? writers.get(0) : null;
  }
}
