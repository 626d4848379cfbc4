package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The conflict rule of {@link WriteConflict} computed on explicit sets of writes, independently of {@code Seen}
 * vectors, replaying the steps of a simulated history.
 *
 * <p>Per site and inode it tracks the value held and K, the set of writes known: every write applied there (winner or
 * loser) and every write those writers had seen. Per write it tracks S, what its writer had seen when the journal took
 * it: its origin's K for the inode at that moment (the journal stamps from the store, so an origin's own write not yet
 * applied locally is not in K), its origin's own earlier writes of the inode with what they had seen, and the write
 * itself. The own earlier writes are in S because the origin issued them before, in order, whether its store has
 * applied them or not; that is also what the stamped vector says, since {@code (origin, seq)} names every write of
 * the origin to the inode up to seq.
 *
 * <p>An apply of a new write w (seq = watermark + 1, per origin and shard) at a site holding h:
 * <ul>
 *   <li>w wins last-write-wins: a conflict iff h is not in S(w) (h is dropped, whether K held w or not);</li>
 *   <li>w loses: a conflict iff w is not in K;</li>
 *   <li>concurrent iff neither had seen the other: h not in S(w) and w not in S(h).</li>
 * </ul>
 * Then K becomes K ∪ S(w), and w is held if it won. A write at or below the watermark is a re-delivery: nothing.
 */
final class ConflictOracle {
  /** A conflict as the rule implies it: the held value and what the site knew, the entry and what its writer saw. */
  record Met(long inode, Version local, long localSeq, Set<SimWrite> localKnew, Version remote, long remoteSeq,
             Set<SimWrite> remoteSeen, boolean concurrent) {
  }

  private static final class Site {
    final Map<Long, SimWrite> held = new HashMap<>();
    final Map<Long, Set<SimWrite>> known = new HashMap<>();
    final Map<String, Long> watermarks = new HashMap<>(); // origin + "/" + shard -> last applied seq
    final List<Met> conflicts = new ArrayList<>();
  }

  private final Map<String, Site> sites = new HashMap<>();
  private final Map<SimWrite, Set<SimWrite>> saw = new HashMap<>();
  private final Map<Long, List<SimWrite>> writesByInode = new HashMap<>();

  private Site site(String id) {
    return sites.computeIfAbsent(id, s -> new Site());
  }

  /** {@code origin}'s journal took {@code batch} in one append: every write stamped from the same K. */
  void wrote(String origin, List<SimWrite> batch) {
    Site at = site(origin);
    for (SimWrite w : batch) {
      Set<SimWrite> s = new HashSet<>(at.known.getOrDefault(w.inode(), Set.of()));
      for (SimWrite earlier : writesByInode.getOrDefault(w.inode(), List.of())) {
        if (earlier.site().equals(origin)) s.addAll(saw.get(earlier));
      }
      s.add(w);
      saw.put(w, s);
      writesByInode.computeIfAbsent(w.inode(), i -> new ArrayList<>()).add(w);
    }
  }

  /** {@code site} applied {@code batch} of {@code origin} (per shard in seq order); returns the conflicts it met. */
  List<Met> applied(String siteId, String origin, List<SimWrite> batch) {
    Site at = site(siteId);
    List<Met> met = new ArrayList<>();
    for (SimWrite w : batch) {
      String shardKey = origin + "/" + w.shard();
      long watermark = at.watermarks.getOrDefault(shardKey, 0L);
      if (w.seq() <= watermark) continue;
      if (w.seq() != watermark + 1) throw new IllegalStateException("the simulation made a gap: " + w);
      at.watermarks.put(shardKey, w.seq());
      decide(at, w).ifPresent(met::add);
    }
    at.conflicts.addAll(met);
    return met;
  }

  private Optional<Met> decide(Site at, SimWrite w) {
    Set<SimWrite> s = saw.get(w);
    SimWrite h = at.held.get(w.inode());
    if (h == null) {
      at.held.put(w.inode(), w);
      at.known.put(w.inode(), new HashSet<>(s));
      return Optional.empty();
    }
    Set<SimWrite> k = at.known.get(w.inode());
    boolean wins = w.version().isNewerThan(h.version());
    boolean sawHeld = s.contains(h);
    boolean heldSawIt = saw.get(h).contains(w);
    Optional<Met> met = (wins ? sawHeld : k.contains(w)) ? Optional.empty()
        : Optional.of(new Met(w.inode(), h.version(), h.seq(), Set.copyOf(k), w.version(), w.seq(),
            Set.copyOf(s), !sawHeld && !heldSawIt));
    k.addAll(s);
    if (wins) at.held.put(w.inode(), w);
    return met;
  }

  /** What {@code w}'s writer had seen of its inode, {@code w} included. */
  Set<SimWrite> saw(SimWrite w) {
    return saw.get(w);
  }

  /** Every conflict {@code site} must have recorded so far, in recording order. */
  List<Met> conflicts(String siteId) {
    return site(siteId).conflicts;
  }

  /** The writes {@code site} knows of {@code inode}. */
  Set<SimWrite> known(String siteId, long inode) {
    return site(siteId).known.getOrDefault(inode, Set.of());
  }

  /** Every write of {@code inode}, in the order they were made. */
  List<SimWrite> writes(long inode) {
    return writesByInode.getOrDefault(inode, List.of());
  }
}
