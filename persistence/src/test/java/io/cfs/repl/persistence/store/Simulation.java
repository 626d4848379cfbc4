package io.cfs.repl.persistence.store;

import static io.cfs.repl.model.entry.TestEntries.change;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A deterministic history on 2-5 in-process sites, every choice drawn from one seeded {@link Random}, every step run to
 * its end before the next (an append is awaited), so that a seed replays the same history. Sites write inodes of a
 * small pool, so writes collide; batches go over links in random prefixes, some resent (duplicates), some links held
 * back for many steps. Each apply is mirrored into the {@link ConflictOracle}, and the conflicts the store recorded
 * in it must be the oracle's, as must what the site then knows of each inode it touched.
 */
final class Simulation implements AutoCloseable {
  /** How writes are made: racing, each after its site saw every earlier write of the inode, or none. */
  enum Writes { CONCURRENT, SEQUENTIAL, NONE }

  private static final int ALL = 100_000; // more than any simulated journal holds

  final long seed;
  final Random random;
  final List<SimSite> sites = new ArrayList<>();
  final ConflictOracle oracle = new ConflictOracle();
  final List<Long> inodes = new ArrayList<>();
  private final int shards;
  private final Map<String, Integer> delayedUntil = new HashMap<>();
  private final Map<String, Deque<List<JournalEntry>>> sent = new HashMap<>();
  private long now = 1_000_000;
  private int step;

  /**
   * A history of {@code minSites..maxSites} sites, its shape drawn from the seed. {@code mayLag}: in about half the
   * runs some sites' clocks lag and do not ratchet, so that a write can be stamped older than a value it saw.
   */
  Simulation(Path dir, long seed, int minSites, int maxSites, boolean mayLag) {
    this.seed = seed;
    this.random = new Random(seed);
    int siteCount = minSites + random.nextInt(maxSites - minSites + 1);
    boolean lagging = mayLag && random.nextBoolean();
    this.shards = 1 + random.nextInt(3);
    int inodeCount = 2 + random.nextInt(5);
    for (int i = 0; i < inodeCount; i++) inodes.add(100L + i);
    int laggard = random.nextInt(siteCount); // a lagging run has at least one
    try {
      for (int i = 0; i < siteCount; i++) {
        boolean lags = lagging && (i == laggard || random.nextBoolean());
        SimClock clock = lags ? new SimClock(-random.nextInt(3000), false)
            : new SimClock(random.nextInt(401) - 200, true);
        sites.add(new SimSite(dir, "site-" + (char) ('a' + i), clock));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  int shardOf(long inode) {
    return (int) (inode % shards);
  }

  String describe() {
    return sites.size() + " sites (" + sites.stream().map(s -> s.id + ": " + s.clock).collect(Collectors.joining(", "))
        + "), " + inodes.size() + " inodes, " + shards + " shards";
  }

  /** One random step: a write, a local apply, a delivery, a re-delivery or a link held back. */
  void step(Writes writes) {
    step++;
    now += 10;
    if (random.nextInt(200) == 0) randomSite().clock.jump(random.nextInt(6001) - 3000);
    SimSite a = randomSite();
    SimSite b = otherThan(a);
    int roll = random.nextInt(100);
    if (roll < 30 && writes != Writes.NONE) {
      List<Long> chosen = new ArrayList<>();
      int count = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
      for (int i = 0; i < count; i++) chosen.add(inodes.get(random.nextInt(inodes.size())));
      write(a, chosen, writes == Writes.SEQUENTIAL);
    } else if (roll < 50) {
      applyLocal(a, false);
    } else if (roll < 58) {
      redeliver(a, b);
    } else if (roll < 61) {
      holdBack(a, b);
    } else {
      deliver(a, b, false);
    }
  }

  /**
   * {@code at} writes {@code chosen} in one append. Sequential: first {@code at} applies every entry of the inodes'
   * shards, its own and its peers', so that each write follows every earlier write of its inode.
   */
  void write(SimSite at, List<Long> chosen, boolean sequential) {
    if (sequential) chosen.stream().map(this::shardOf).distinct().forEach(shard -> catchUp(at, shard));
    Map<Integer, Long> next = new HashMap<>();
    List<JournalEntry> batch = new ArrayList<>();
    for (long inode : chosen) {
      int shard = shardOf(inode);
      long seq = next.merge(shard, at.journal.headSeq(shard) + 1, (held, first) -> held + 1);
      Op op = random.nextInt(10) == 0 ? Op.UNLINK : Op.WRITE;
      batch.add(change(at.id, shard, seq, at.clock.next(now), op, inode, at.id + "/" + shard + "/" + seq));
    }
    at.append(batch);
    oracle.wrote(at.id, batch.stream().map(SimWrite::of).toList());
  }

  /** {@code a} and {@code b} each write every inode once, in random batches, while no link delivers anything. */
  void writeApart(SimSite a, SimSite b) {
    Map<SimSite, List<Long>> left = Map.of(a, shuffled(inodes), b, shuffled(inodes));
    while (!left.get(a).isEmpty() || !left.get(b).isEmpty()) {
      step++;
      now += 10;
      SimSite at = left.get(a).isEmpty() ? b : left.get(b).isEmpty() ? a : random.nextBoolean() ? a : b;
      List<Long> mine = left.get(at);
      List<Long> taken = mine.subList(0, Math.min(mine.size(), 1 + random.nextInt(2)));
      write(at, new ArrayList<>(taken), false);
      taken.clear();
      if (random.nextInt(3) == 0) applyLocal(random.nextBoolean() ? a : b, false);
    }
  }

  private void catchUp(SimSite at, int shard) {
    for (SimSite origin : sites) {
      List<JournalEntry> pending = at.pending(origin, shard, ALL);
      if (!pending.isEmpty()) apply(at, origin, pending);
    }
  }

  /** {@code at}'s local applier: its own entries it has not applied, all or a prefix per shard. */
  void applyLocal(SimSite at, boolean all) {
    List<JournalEntry> batch = new ArrayList<>();
    for (int shard : shuffled(at.journal.heads().keySet())) batch.addAll(prefix(at.pending(at, shard, ALL), all));
    if (!batch.isEmpty()) apply(at, at, batch);
  }

  /**
   * Ships what {@code to} lacks of {@code from}'s journal: one shard or several (grouped by shard, the order the store
   * decides in), a random prefix of each, sometimes resent from a few entries back, as a reconnecting link does.
   */
  void deliver(SimSite from, SimSite to, boolean all) {
    if (!all && delayedUntil.getOrDefault(link(from, to), 0) > step) return;
    List<Integer> shardsPending = new ArrayList<>();
    for (int shard : shuffled(from.journal.heads().keySet())) {
      if (from.journal.headSeq(shard) > to.store.watermark(from.id, shard)) shardsPending.add(shard);
    }
    if (shardsPending.isEmpty()) return;
    if (!all && random.nextBoolean()) shardsPending = shardsPending.subList(0, 1);
    List<JournalEntry> batch = new ArrayList<>();
    for (int shard : shardsPending) {
      long first = to.store.watermark(from.id, shard) + 1;
      int resent = !all && random.nextInt(6) == 0 ? (int) Math.min(first - 1, 1 + random.nextInt(4)) : 0;
      List<JournalEntry> fresh = prefix(from.journal.read(shard, first, ALL), all);
      if (resent > 0) batch.addAll(from.journal.read(shard, first - resent, resent));
      batch.addAll(fresh);
    }
    Deque<List<JournalEntry>> past = sent.computeIfAbsent(link(from, to), l -> new ArrayDeque<>());
    past.addLast(batch);
    if (past.size() > 4) past.removeFirst();
    apply(to, from, batch);
  }

  /** A batch {@code to} applied before arrives again: it must change nothing. */
  private void redeliver(SimSite from, SimSite to) {
    List<List<JournalEntry>> past = new ArrayList<>(sent.getOrDefault(link(from, to), new ArrayDeque<>()));
    if (past.isEmpty()) return;
    List<JournalEntry> batch = past.get(random.nextInt(past.size()));
    List<Long> touched = batch.stream().map(JournalEntry::inodeId).distinct().toList();
    Map<Long, Seen> knownBefore = to.store.knowledge(touched);
    StoreDigest before = to.store.digest();
    ApplyResult result = apply(to, from, batch);
    assertEquals(0, result.applied(), () -> context(to, from) + ": a re-delivery applied something");
    assertEquals(knownBefore, to.store.knowledge(touched), () -> context(to, from) + ": a re-delivery taught something");
    assertEquals(before, to.store.digest(), () -> context(to, from) + ": a re-delivery changed a value");
  }

  /** Holds back one link, or every link of a site (a partition), for many steps. */
  private void holdBack(SimSite a, SimSite b) {
    int until = step + 20 + random.nextInt(150);
    if (random.nextInt(3) > 0) {
      delayedUntil.put(link(a, b), until);
      return;
    }
    for (SimSite other : sites) {
      if (other == a) continue;
      delayedUntil.put(link(a, other), until);
      delayedUntil.put(link(other, a), until);
    }
  }

  /** Every site applies its own journal and every peer's, links and local appliers in random order. */
  void settle() {
    List<Runnable> actions = new ArrayList<>();
    for (SimSite to : sites) {
      actions.add(() -> applyLocal(to, true));
      for (SimSite from : sites) if (from != to) actions.add(() -> deliver(from, to, true));
    }
    Collections.shuffle(actions, random);
    actions.forEach(Runnable::run);
    for (SimSite to : sites) {
      for (SimSite from : sites) {
        assertEquals(from.journal.heads(), to.store.watermarks(from.id), () -> context(to, from) + ": not settled");
      }
    }
  }

  /** Applies a batch on the store and in the oracle; they must meet the same conflicts and know the same writes. */
  private ApplyResult apply(SimSite at, SimSite origin, List<JournalEntry> batch) {
    List<ConflictOracle.Met> expected = oracle.applied(at.id, origin.id, batch.stream().map(SimWrite::of).toList());
    ApplyResult result = at.apply(origin.id, batch);
    assertEquals(List.of(), result.gaps(), () -> context(at, origin));
    assertEquals(expected, result.conflicts().stream().map(this::met).toList(),
        () -> context(at, origin) + ": conflicts met applying " + batch);
    Set<Long> touched = batch.stream().map(JournalEntry::inodeId).collect(Collectors.toCollection(LinkedHashSet::new));
    Map<Long, Seen> known = at.store.knowledge(touched);
    for (long inode : touched) {
      assertEquals(oracle.known(at.id, inode), writesIn(known.get(inode), inode),
          () -> context(at, origin) + ": what the site knows of inode " + inode + " after applying " + batch);
    }
    return result;
  }

  /** A recorded conflict in the oracle's terms: its vectors as the sets of this history's writes they cover. */
  ConflictOracle.Met met(WriteConflict c) {
    return new ConflictOracle.Met(c.inodeId(), c.local(), c.localSeq(), writesIn(c.localKnew(), c.inodeId()),
        c.remote(), c.remoteSeq(), writesIn(c.remoteSeen(), c.inodeId()), c.concurrent());
  }

  /** The writes of {@code inode} made so far that {@code seen} covers. */
  Set<SimWrite> writesIn(Seen seen, long inode) {
    if (seen == null) return Set.of();
    return oracle.writes(inode).stream().filter(w -> seen.covers(w.site(), w.seq())).collect(Collectors.toSet());
  }

  String context(SimSite at, SimSite origin) {
    return "seed " + seed + " step " + step + ": " + at.id + " applying " + origin.id + "'s entries";
  }

  private List<JournalEntry> prefix(List<JournalEntry> entries, boolean all) {
    return all || entries.isEmpty() ? entries : entries.subList(0, 1 + random.nextInt(entries.size()));
  }

  /** Sorted first: the journal's heads come in a Map.copyOf, whose order changes from one JVM to the next. */
  private <T extends Comparable<T>> List<T> shuffled(Collection<T> items) {
    List<T> list = new ArrayList<>(new TreeSet<>(items));
    Collections.shuffle(list, random);
    return list;
  }

  private SimSite randomSite() {
    return sites.get(random.nextInt(sites.size()));
  }

  private SimSite otherThan(SimSite a) {
    SimSite b = sites.get(random.nextInt(sites.size() - 1));
    return b == a ? sites.get(sites.size() - 1) : b;
  }

  private static String link(SimSite from, SimSite to) {
    return from.id + ">" + to.id;
  }

  @Override
  public void close() {
    for (int i = sites.size() - 1; i >= 0; i--) sites.get(i).close();
  }
}
