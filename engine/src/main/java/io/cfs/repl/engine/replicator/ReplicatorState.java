package io.cfs.repl.engine.replicator;

import io.cfs.repl.model.shard.Gap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Durable state of one SiteReplicator.
 *
 * <p>Invariants:
 * <ul>
 *   <li>a cursor never moves backwards: {@link #advance} keeps the maximum, and {@link #forwardOnly} drops any
 *       acknowledgement that would not move a cursor forward;</li>
 *   <li>a stopped shard stays stopped (never skipped) until the link is resumed by an operator or a snapshot resync
 *       installs past it;</li>
 *   <li>a peer that needs a resync holds the journal back only once a run has started, and then at the run's own
 *       marks ({@link #horizonHold}); the run's marks never change once started.</li>
 * </ul>
 *
 * @param cursors per shard, the highest local seq the peer has durably applied
 * @param paused whether an operator paused the link
 * @param stopped shards stopped on a sequence gap
 * @param throttle the link's throttle an operator set (bytes per second, 0 = unlimited); null while none was set,
 *     so the configured one applies
 * @param resync the snapshot resync the peer needs, or null
 * @param removed whether the peer was removed from the site's peers by a reload: its cursors were dropped and its
 *     link does not run; a reload that adds it back starts it from nothing (a resync, once behind the horizon)
 */
public record ReplicatorState(Map<Integer, Long> cursors, boolean paused, Map<Integer, StoppedShard> stopped,
                              Long throttle, Resync resync, boolean removed) {

  public ReplicatorState {
    cursors = Map.copyOf(cursors);
    stopped = Map.copyOf(stopped);
  }

  /** A state in which no operator set a throttle. */
  public ReplicatorState(Map<Integer, Long> cursors, boolean paused, Map<Integer, StoppedShard> stopped) {
    this(cursors, paused, stopped, null, null);
  }

  /** A state with no resync. */
  public ReplicatorState(Map<Integer, Long> cursors, boolean paused, Map<Integer, StoppedShard> stopped,
                         Long throttle) {
    this(cursors, paused, stopped, throttle, null);
  }

  /** A state of a peer that was not removed. */
  public ReplicatorState(Map<Integer, Long> cursors, boolean paused, Map<Integer, StoppedShard> stopped,
                         Long throttle, Resync resync) {
    this(cursors, paused, stopped, throttle, resync, false);
  }

  /** The peer was removed: everything of it is dropped, its pause and throttle included. */
  public ReplicatorState removedPeer() {
    return new ReplicatorState(Map.of(), false, Map.of(), null, null, true);
  }

  /** The peer was added back: it starts from nothing. */
  public ReplicatorState rejoined() {
    return new ReplicatorState(Map.of(), false, Map.of(), null, null, false);
  }

  public static ReplicatorState empty() {
    return new ReplicatorState(Map.of(), false, Map.of());
  }

  /** The throttle that applies: the operator's, else {@code configured}. */
  public long throttle(long configured) {
    return throttle != null ? throttle : configured;
  }

  public long cursor(int shard) {
    return cursors.getOrDefault(shard, 0L);
  }

  /** The subset of {@code watermarks} that moves a cursor forward. */
  public Map<Integer, Long> forwardOnly(Map<Integer, Long> watermarks) {
    Map<Integer, Long> forward = new HashMap<>();
    watermarks.forEach((shard, seq) -> {
      if (seq > cursor(shard)) forward.put(shard, seq);
    });
    return forward;
  }

  /**
   * A stop for every shard in {@code gaps} that is not stopped yet: a stopped shard keeps its first reason until an
   * operator resumes the link.
   */
  public List<StoppedShard> newlyStopped(List<Gap> gaps, long nowMillis) {
    List<StoppedShard> stops = new ArrayList<>();
    for (Gap gap : gaps) {
      if (!stopped.containsKey(gap.shard())) {
        stops.add(new StoppedShard(gap.shard(), gap.expectedSeq(), gap.receivedSeq(), nowMillis));
      }
    }
    return stops;
  }

  public ReplicatorState advance(Map<Integer, Long> acked) {
    Map<Integer, Long> next = new HashMap<>(cursors);
    acked.forEach((shard, seq) -> next.merge(shard, seq, Math::max));
    return new ReplicatorState(next, paused, stopped, throttle, resync, removed);
  }

  public ReplicatorState stop(StoppedShard shard) {
    Map<Integer, StoppedShard> next = new HashMap<>(stopped);
    next.put(shard.shard(), shard);
    return new ReplicatorState(cursors, paused, next, throttle, resync, removed);
  }

  public ReplicatorState pause() {
    return new ReplicatorState(cursors, true, stopped, throttle, resync, removed);
  }

  public ReplicatorState resume() {
    return new ReplicatorState(cursors, false, Map.of(), throttle, resync, removed);
  }

  public ReplicatorState throttled(long bytesPerSecond) {
    return new ReplicatorState(cursors, paused, stopped, bytesPerSecond, resync, removed);
  }

  /**
   * The peer needs a resync: one already needed keeps its reason; a run in progress is abandoned (the retention cap
   * dropped the peer again while the run's marks held the journal back), so the next run starts from a new view.
   */
  public ReplicatorState resyncNeeded(String reason, long atMillis) {
    if (resync != null && resync.run() == null) return this;
    return new ReplicatorState(cursors, paused, stopped, throttle, new Resync(reason, atMillis, null), removed);
  }

  public ReplicatorState resyncStarted(Resync.Run run) {
    Resync needed = resync != null ? resync : new Resync("started", run.startedMillis(), null);
    return new ReplicatorState(cursors, paused, stopped, throttle, needed.started(run), removed);
  }

  /** Progress of the run with {@code id}; of another run (or none), nothing. */
  public ReplicatorState resyncProgressed(long id, long lastInodeId, long values, long bytes) {
    if (resync == null || resync.run() == null || resync.run().id() != id) return this;
    return new ReplicatorState(cursors, paused, stopped, throttle,
        resync.started(resync.run().progressed(lastInodeId, values, bytes)), removed);
  }

  /** The peer installed the snapshot: cursors move up to its marks, stopped shards are past, the resync is over. */
  public ReplicatorState resyncFinished(Map<Integer, Long> installed) {
    ReplicatorState advanced = advance(installed);
    return new ReplicatorState(advanced.cursors, paused, Map.of(), throttle, null, removed);
  }

  /** The run in progress, or null. */
  public Resync.Run resyncRun() {
    return resync == null ? null : resync.run();
  }

  /**
   * What the journal must keep for this peer, per shard: its cursors, raised to the run's own marks while a run ships
   * (the tail resumes from those); null while it needs a resync and none runs (it holds nothing back: that is why it
   * was dropped, or why it is behind).
   */
  public Map<Integer, Long> horizonHold(String localSite) {
    if (resync == null) return cursors;
    if (resync.run() == null) return null;
    Map<Integer, Long> hold = new HashMap<>(cursors);
    resync.run().cursorsOf(localSite).forEach((shard, seq) -> hold.merge(shard, seq, Math::max));
    return hold;
  }

  /** Where the journal tail starts: the cursors, with stopped shards moved out of reach. */
  public Map<Integer, Long> readPositions() {
    Map<Integer, Long> positions = new TreeMap<>(cursors);
    stopped.keySet().forEach(shard -> positions.put(shard, Long.MAX_VALUE));
    return positions;
  }

  public ReplicatorState apply(ReplicatorEvent event) {
    if (event instanceof ReplicatorEvent.CursorsAdvanced e) return advance(e.cursors());
    if (event instanceof ReplicatorEvent.ShardStopped e) return stop(e.stopped());
    if (event instanceof ReplicatorEvent.LinkPaused) return pause();
    if (event instanceof ReplicatorEvent.LinkResumed) return resume();
    if (event instanceof ReplicatorEvent.ThrottleChanged e) return throttled(e.bytesPerSecond());
    if (event instanceof ReplicatorEvent.ResyncNeeded e) return resyncNeeded(e.reason(), e.atMillis());
    if (event instanceof ReplicatorEvent.ResyncStarted e) {
      return resyncStarted(new Resync.Run(e.resyncId(), e.marks(), false, 0, 0, 0, e.atMillis()));
    }
    if (event instanceof ReplicatorEvent.ResyncProgressed e) {
      return resyncProgressed(e.resyncId(), e.lastInodeId(), e.values(), e.bytes());
    }
    if (event instanceof ReplicatorEvent.ResyncFinished e) return resyncFinished(e.cursors());
    if (event instanceof ReplicatorEvent.PeerRemoved) return removedPeer();
    if (event instanceof ReplicatorEvent.PeerRejoined) return rejoined();
    throw new IllegalStateException("unknown event " + event);
  }
}
