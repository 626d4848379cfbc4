package io.cfs.repl.it.workload;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.AuditedConflict;
import io.cfs.repl.it.client.InodeValue;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.model.entry.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The history checker of active-active runs: shows from what the sites answer over HTTP (each site's {@code CONFLICT}
 * audit records and the final value of every inode) that every acknowledged write of a {@link History} kept with
 * {@link History#keepingWrites()} is accounted for, as one of:
 * <ol>
 *   <li>{@link Fate#WINNER}: the final value of its inode (same origin and seq);</li>
 *   <li>{@link Fate#IN_PAST}: in the causal past of the final value, i.e. the winner's writer had seen it (the value's
 *       {@code seen} vector covers the write's (site, seq));</li>
 *   <li>{@link Fate#LOST_UNSEEN}: lost in a recorded conflict, on any site, whose losing side knew it and whose
 *       winning side had not seen it: a write the metadata service can be told it lost.</li>
 * </ol>
 * Anything else is a write that vanished without a record, listed as a violation. It also checks that every site holds
 * the same final value (version, seq, seen, knowledge) of each inode, that it is the last-write-wins maximum of the
 * acknowledged writes, that what the sites know of the inode is exactly every origin's writes up to its last one (all
 * were applied everywhere), and that no site's trail names a conflict id twice.
 */
public final class ConflictHistoryCheck {

  /** What became of one acknowledged write. */
  public enum Fate { WINNER, IN_PAST, LOST_UNSEEN }

  /**
   * The outcome.
   *
   * @param fates per fate the number of writes
   * @param conflicts per site the CONFLICT records read
   * @param violations writes no fate accounts for, and any disagreement found on the way
   */
  public record Result(long writes, long inodes, Map<Fate, Long> fates, Map<String, Integer> conflicts,
                       List<String> violations) {
    public long count(Fate fate) {
      return fates.getOrDefault(fate, 0L);
    }

    public void assertHolds() {
      if (!violations.isEmpty()) {
        throw new AssertionError(violations.size() + " violation(s) of the conflict history (" + this + "):\n  "
            + violations.stream().limit(20).collect(Collectors.joining("\n  ")));
      }
    }

    @Override
    public String toString() {
      return "conflict history{" + writes + " writes of " + inodes + " inodes: " + count(Fate.WINNER) + " winners, "
          + count(Fate.IN_PAST) + " in the winner's past, " + count(Fate.LOST_UNSEEN) + " lost unseen in a recorded"
          + " conflict, " + violations.size() + " violations; CONFLICT records per site " + conflicts + "}";
    }
  }

  private ConflictHistoryCheck() {
  }

  /**
   * Waits until no site's trail has grown for 2.5 s: once the stores are final (the sites converged), their conflicts
   * reach the trails within the auditor's interval (1 s), so a trail that stays put holds them all.
   */
  public static void awaitTrailsSettled(SiteCluster cluster, Duration timeout) {
    long[] last = {-1};
    await("the conflict trails stop growing").during(Duration.ofMillis(2_500)).atMost(timeout)
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          long now = conflicts(cluster).values().stream().mapToLong(List::size).sum();
          boolean same = now == last[0];
          last[0] = now;
          return same;
        });
  }

  /** Every site's CONFLICT records, all pages, oldest first. */
  public static Map<String, List<AuditedConflict>> conflicts(SiteCluster cluster) {
    Map<String, List<AuditedConflict>> out = new LinkedHashMap<>();
    for (String site : cluster.sites()) {
      List<AuditedConflict> records = new ArrayList<>();
      for (AuditEntry e : cluster.admin(site).audit(0, "CONFLICT")) records.add(AuditedConflict.of(e));
      records.sort((a, b) -> Long.compare(a.conflictId(), b.conflictId()));
      out.put(site, records);
    }
    return out;
  }

  /** Reads the trails and every written inode of every site, and checks the history against them. */
  public static Result read(SiteCluster cluster, History history) {
    List<History.Write> writes = history.writes();
    Map<String, List<AuditedConflict>> conflicts = conflicts(cluster);
    TreeSet<Long> inodes = writes.stream().map(History.Write::inode).collect(Collectors.toCollection(TreeSet::new));
    Map<String, Map<Long, InodeValue>> finals = new LinkedHashMap<>();
    for (String site : cluster.sites()) {
      Map<Long, CompletableFuture<Optional<InodeValue>>> asked = new LinkedHashMap<>();
      for (long inode : inodes) asked.put(inode, cluster.admin(site).inodeAsync(inode));
      Map<Long, InodeValue> held = new HashMap<>();
      asked.forEach((inode, value) -> value.join().ifPresent(v -> held.put(inode, v)));
      finals.put(site, held);
    }
    return check(writes, finals, conflicts);
  }

  /** The check itself, on what was read: per site the final values by inode and the CONFLICT records. */
  static Result check(List<History.Write> writes, Map<String, Map<Long, InodeValue>> finals,
                      Map<String, List<AuditedConflict>> conflicts) {
    List<String> violations = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<Long, List<AuditedConflict>> byInode = new HashMap<>();
    conflicts.forEach((site, records) -> {
      counts.put(site, records.size());
      long distinct = records.stream().mapToLong(AuditedConflict::conflictId).distinct().count();
      if (distinct != records.size()) {
        violations.add(site + "'s trail names " + (records.size() - distinct) + " conflict id(s) twice");
      }
      records.forEach(c -> byInode.computeIfAbsent(c.inode(), i -> new ArrayList<>()).add(c));
    });

    Map<Long, Version> lww = new HashMap<>();
    writes.forEach(w -> lww.merge(w.inode(), w.version(), (a, b) -> b.isNewerThan(a) ? b : a));
    Map<Long, Map<String, Long>> lastSeqs = new HashMap<>();
    writes.forEach(w -> lastSeqs.computeIfAbsent(w.inode(), i -> new HashMap<>()).merge(w.site(), w.seq(), Math::max));
    Map<Long, InodeValue> winners = new HashMap<>();
    lww.forEach((inode, max) -> {
      InodeValue agreed = agreedValue(inode, finals, violations);
      if (agreed == null) return;
      if (!new Version(agreed.hlc(), agreed.originSite()).equals(max)) {
        violations.add("inode " + inode + " holds " + agreed + ", not the last-write-wins maximum " + max);
      }
      // every write was applied everywhere: each site knows of each origin's writes up to its last one, no more
      if (!agreed.knowledge().equals(lastSeqs.get(inode))) {
        violations.add("inode " + inode + ": the sites know of " + agreed.knowledge() + ", the history wrote "
            + lastSeqs.get(inode));
      }
      winners.put(inode, agreed);
    });

    Map<Fate, Long> fates = new LinkedHashMap<>();
    for (History.Write w : writes) {
      InodeValue winner = winners.get(w.inode());
      if (winner == null) continue; // reported above
      Fate fate = fate(w, winner, byInode.getOrDefault(w.inode(), List.of()));
      if (fate == null) {
        violations.add("write " + w + " is neither the winner " + winner.hlc() + "@" + winner.originSite() + " (seq "
            + winner.seq() + ", saw " + winner.seen() + ") nor in its past nor lost unseen in one of the "
            + byInode.getOrDefault(w.inode(), List.of()).size() + " conflicts of its inode: "
            + byInode.getOrDefault(w.inode(), List.of()).stream().limit(6).toList());
      } else {
        fates.merge(fate, 1L, Long::sum);
      }
    }
    return new Result(writes.size(), lww.size(), fates, counts, violations);
  }

  /** What became of {@code w}, or null when nothing accounts for it. */
  static Fate fate(History.Write w, InodeValue winner, Collection<AuditedConflict> conflictsOfInode) {
    if (winner.originSite().equals(w.site()) && winner.seq() == w.seq()) {
      return winner.hlc() == w.hlc() ? Fate.WINNER : null;
    }
    if (winner.saw(w.site(), w.seq())) return Fate.IN_PAST;
    for (AuditedConflict c : conflictsOfInode) {
      if (c.lostUnseen(w.site(), w.seq())) return Fate.LOST_UNSEEN;
    }
    return null;
  }

  /** The value every site holds of the inode, or null (listing the disagreement) when they differ or lack it. */
  private static InodeValue agreedValue(long inode, Map<String, Map<Long, InodeValue>> finals, List<String> violations) {
    InodeValue first = null;
    String firstSite = null;
    for (Map.Entry<String, Map<Long, InodeValue>> site : finals.entrySet()) {
      InodeValue v = site.getValue().get(inode);
      if (v == null) {
        violations.add(site.getKey() + " holds no value of inode " + inode);
        return null;
      }
      if (first == null) {
        first = v;
        firstSite = site.getKey();
      } else if (v.hlc() != first.hlc() || !v.originSite().equals(first.originSite()) || v.seq() != first.seq()
          || !Objects.equals(v.seen(), first.seen()) || !Objects.equals(v.knowledge(), first.knowledge())) {
        violations.add("inode " + inode + ": " + firstSite + " holds " + first + ", " + site.getKey() + " holds " + v);
        return null;
      }
    }
    return first;
  }
}
