package io.cfs.repl.engine.gc;

import io.cfs.repl.engine.membership.PeerSet;import io.cfs.repl.engine.lease.SiteSingletons;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.journal.JournalFootprint;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.MetadataStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site singleton ({@code journal-gc-<site>}) that collects the site's journal: every {@code interval} a round
 * reads what every peer has acknowledged (each SiteReplicator's persisted cursors) and what the local apply has
 * applied (the store's watermarks of this site), removes per shard what all of them have passed
 * ({@link CollectionPlan}), and measures what the journal holds for metrics.
 *
 * <p>A round runs off the actor: the asks and one storage task (heads, plan, collect, measure) on the storage
 * executor, its end piped back. One round at a time: a tick while one runs is dropped. A replicator that does not
 * answer within {@code ask-timeout} stops the round (nothing collected, never a guess at its cursors).
 *
 * <p>A peer that needs a snapshot resync and has none running holds nothing back (its replicator answers "released"):
 * it is left out of the plan. Past the retention cap ({@code max-journal-bytes}, {@code max-journal-age}) a round
 * drops the peer holding the horizon back, by asking its replicator for a resync, if it holds back at least half of
 * what the journal holds; the next round collects past it.
 *
 * <p>The same round collects the store's tombstones ({@link MetadataStore#collectTombstones}), per origin: this
 * site's own deletes up to the lowest of every peer's persisted cursor and the local apply's watermark (when every
 * peer answered with its cursors: a silent or a released peer, which a snapshot resync would leave holding the older
 * live value, keeps them all), published in {@link StableSeqs} for the replicators to ship; another origin's up to the
 * stable seqs its batches carried. And only tombstones older than {@code tombstone-min-age}. Both are needed: a site
 * that has not applied a delete may still ship, hold, or win a verify or a resync with the older live value, which
 * only the tombstone's version beats; and an older write of the inode still on its way from a third site (a link
 * paused or stopped on a gap, a peer being resynced) would be taken as new once the tombstone is gone, so the min-age
 * is how late such a write may come. On a site of several nodes, the stable seqs this node heard are those of the
 * links it received and shipped; another node's collector hears none and collects none of them: safe, only later.
 *
 * <p>Two instances at once (a singleton handing over between nodes of a PostgreSQL site) are harmless: each removes
 * only what persisted cursors and applied watermarks allow, and both only grow, so neither removes what a peer or the
 * local apply still needs. So the collector needs no fence.
 */
public final class JournalCollector {
  private static final Logger log = LoggerFactory.getLogger(JournalCollector.class);

  /** A round's outcome, as metrics count it. */
  public static final String COLLECTED = "collected";
  public static final String BLOCKED = "blocked";
  public static final String FAILED = "failed";
  /** A round past the retention cap dropped the peer holding the horizon back. */
  public static final String DROPPED = "dropped_peer";

  /**
   * Asks one peer's replicator, wherever it runs, for its persisted cursors: empty when the peer is released (it needs
   * a resync and none runs).
   */
  @FunctionalInterface
  public interface PeerCursors {
    CompletionStage<PeerHold> of(String peer, Duration timeout);
  }

  /** Removes tombstones from the store: {@link MetadataStore#collectTombstones}. Blocks. */
  @FunctionalInterface
  public interface CollectTombstones {
    long collect(String origin, Map<Integer, Long> stableSeqs, long olderThanHlc, int max);
  }

  /** Asks one peer's replicator to mark its peer as needing a snapshot resync, for {@code reason}. */
  @FunctionalInterface
  public interface PeerDrop {
    CompletionStage<?> drop(String peer, String reason, Duration timeout);
  }

  public sealed interface Command {
  }

  private enum Tick implements Command { INSTANCE }

  /** A round ended: its outcome, or the storage failure that ended it. */
  private record RoundEnded(Outcome outcome, Throwable failure) implements Command {
  }

  /**
   * One round: the plan made, the entries removed, what the journal holds afterwards, and why peers did not answer.
   */
  record Outcome(CollectionPlan plan, long removed, JournalFootprint held, Map<String, String> silent,
                 Set<String> released, Map<String, Long> tombstones, long oldestNeededHlc) {
  }

  public static String singletonName(String site) {
    return "journal-gc-" + site;
  }

  private final ActorContext<Command> context;
  private final String site;
  private final PeerSet peers;
  private final LocalJournal journal;
  private final Supplier<Map<Integer, Long>> applied;
  private final PeerCursors cursors;
  private final PeerDrop drop;
  private final StableSeqs stable;
  private final CollectTombstones tombstones;
  private final Executor storage;
  private final JournalGcSettings settings;
  private final ReplicationMetrics metrics;
  /** The peers that stopped the last round, so that a lasting outage is logged when it starts and ends. */
  private Set<String> blockedBy = Set.of();
  /** Whether a round ever heard every peer: until then a silent replicator is most likely still starting. */
  private boolean everyPeerAnswered;

  private JournalCollector(ActorContext<Command> context, String site, PeerSet peers, LocalJournal journal,
                           Supplier<Map<Integer, Long>> applied, PeerCursors cursors, PeerDrop drop,
                           StableSeqs stable, CollectTombstones tombstones, Executor storage,
                           JournalGcSettings settings, ReplicationMetrics metrics) {
    this.context = context;
    this.site = site;
    this.peers = peers;
    this.journal = journal;
    this.applied = applied;
    this.cursors = cursors;
    this.drop = drop;
    this.stable = stable;
    this.tombstones = tombstones;
    this.storage = storage;
    this.settings = settings;
    this.metrics = metrics;
  }

  /**
   * @param applied what the local apply has applied durably, per shard (the store's watermarks of {@code site}, synced:
   *     the site's own applies are not, and a crash of the host must not take back one whose entries are gone from
   *     the journal); it blocks, so it is called on {@code storage}
   * @param stable where this site's own stable seqs are published and other origins' are read (the node's)
   * @param tombstones the store's tombstone collection; it blocks, so it is called on {@code storage}
   * @param storage where blocking journal and store calls run
   */
  public static Behavior<Command> create(String site, PeerSet peers, LocalJournal journal,
                                         Supplier<Map<Integer, Long>> applied, PeerCursors cursors, PeerDrop drop,
                                         StableSeqs stable, CollectTombstones tombstones, Executor storage,
                                         JournalGcSettings settings, ReplicationMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      // the first round after one interval: the replicators recover their cursors meanwhile
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
      context.getLog().info("[{}] journal GC running on this node: every {}, {}keeping {} entries per shard", site,
          settings.interval(), settings.enabled() ? "" : "measuring only (enabled = off), ", settings.keepEntries());
      return new JournalCollector(context, site, peers, journal, applied, cursors, drop, stable, tombstones, storage,
          settings, metrics).idle();
    }));
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, () -> {
          context.pipeToSelf(round(), RoundEnded::new);
          return running();
        })
        .build();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, Behaviors::same) // the running round is enough
        .onMessage(RoundEnded.class, ended -> {
          ended(ended);
          return idle();
        })
        .build();
  }

  /** Asks every peer's replicator and reads the local watermarks, then plans, collects and measures in one task. */
  private CompletionStage<Outcome> round() {
    Map<String, CompletableFuture<PeerHold>> asks = new TreeMap<>();
    // the peers as of this round: a reload adds or removes some between rounds
    peers.sites().forEach(peer -> asks.put(peer, cursors.of(peer, settings.askTimeout()).toCompletableFuture()));
    CompletableFuture<Map<Integer, Long>> local = CompletableFuture.supplyAsync(applied, storage);
    CompletableFuture<?>[] all = new CompletableFuture<?>[asks.size() + 1];
    asks.values().toArray(all);
    all[asks.size()] = local;
    // every ask has ended (answered or failed) before the storage task starts
    return CompletableFuture.allOf(all).handle((ignored, failure) -> null)
        .thenApplyAsync(ignored -> {
          Map<String, Map<Integer, Long>> known = new TreeMap<>();
          Map<String, String> silent = new TreeMap<>();
          Set<String> released = new TreeSet<>();
          Set<String> resyncing = new TreeSet<>();
          asks.forEach((peer, ask) -> {
            if (ask.isCompletedExceptionally()) {
              silent.put(peer, ask.handle((c, f) -> SiteSingletons.rootMessage(f)).join());
            } else {
              PeerHold hold = ask.join();
              if (hold.released()) released.add(peer);
              else known.put(peer, hold.cursors());
              if (hold.resyncing()) resyncing.add(peer);
            }
          });
          Map<Integer, Long> heads = journal.heads();
          CollectionPlan plan = CollectionPlan.of(site, heads, local.join(), known, silent.keySet(),
              settings.keepEntries());
          long removed = settings.enabled() && !plan.upTo().isEmpty() ? journal.collect(plan.upTo()) : 0;
          List<Map<Integer, Long>> positions = new ArrayList<>(known.values());
          positions.add(local.join());
          // a peer being resynced holds its marks, not what it acknowledged: no own tombstone goes on its account
          stable.publishOwn(silent.isEmpty() && resyncing.isEmpty()
              ? StableSeqs.lowest(heads.keySet(), positions) : Map.of());
          // the age cap is of what some site still needs: entries kept past everyone (keep-entries) age on an idle
          // shard and would keep the journal over the cap for good
          long oldestNeeded = journal.lagBehind(StableSeqs.lowest(heads.keySet(), positions)).oldestHlc();
          return new Outcome(plan, removed, journal.footprint(), silent, released, collectTombstones(), oldestNeeded);
        }, storage);
  }

  /**
   * Per origin (this site's own first) the tombstones removed, up to its stable seqs and older than the min-age; on
   * the storage executor. Origins with nothing stable are not asked.
   */
  private Map<String, Long> collectTombstones() {
    if (!settings.enabled()) return Map.of();
    Map<String, Map<Integer, Long>> byOrigin = new TreeMap<>(stable.heard());
    byOrigin.put(site, stable.own()); // an origin's batches never carry this site's own seqs: this node knows them
    long olderThanHlc = settings.tombstonesOlderThanHlc(Clocks.epochMillis());
    Map<String, Long> removed = new TreeMap<>();
    byOrigin.forEach((origin, seqs) -> {
      if (seqs.isEmpty()) return;
      long n = tombstones.collect(origin, seqs, olderThanHlc, settings.tombstoneMaxPerRound());
      if (n > 0) removed.put(origin, n);
    });
    return removed;
  }

  private void ended(RoundEnded ended) {
    if (ended.failure() != null) {
      metrics.onJournalGcRound(FAILED, 0);
      log.warn("[{}] journal GC round failed, trying again in {}: {}", site, settings.interval(),
          SiteSingletons.rootMessage(ended.failure()));
      return;
    }
    Outcome o = ended.outcome();
    long oldestAge = JournalStatus.ageMillis(o.held().oldestHlc(), System.currentTimeMillis());
    metrics.onJournalGcRound(o.silent().isEmpty() ? COLLECTED : BLOCKED, o.removed());
    metrics.onJournalHeld(o.held().entries(), o.held().bytes(), oldestAge);
    metrics.onJournalHorizon(o.plan().holder() == null ? null : o.plan().holder().site(), o.plan().behind());
    reportBlocked(o.silent());
    o.tombstones().forEach(metrics::onTombstonesCollected);
    if (!o.tombstones().isEmpty()) {
      log.info("[{}] journal GC removed tombstones applied by every site and older than {}, by origin: {}", site,
          settings.tombstoneMinAge(), o.tombstones());
    }
    long neededAge = JournalStatus.ageMillis(o.oldestNeededHlc(), System.currentTimeMillis());
    if (settings.capPolicy() == JournalGcSettings.CapPolicy.DROP_PEER && settings.overCap(o.held().bytes(), neededAge)) {
      overCap(o, neededAge);
    }
    if (o.removed() > 0) {
      log.info("[{}] journal GC collected {} entries over {} shards; the journal holds {} entries, {} bytes, the oldest"
              + " {} ms old; {}", site, o.removed(), o.plan().upTo().size(), o.held().entries(), o.held().bytes(),
          oldestAge, heldBack(o.plan().holder()));
    } else if (log.isDebugEnabled()) {
      log.debug("[{}] journal GC collected nothing; {}", site, heldBack(o.plan().holder()));
    }
  }

  /**
   * Past the retention cap: the peer holding the horizon back is dropped (asked to need a resync), so that the next
   * round collects past it. A horizon held by the local apply, or by a silent peer, drops nobody: logged.
   */
  private void overCap(Outcome o, long oldestAgeMillis) {
    String over = "the journal holds " + o.held().bytes() + " bytes, the oldest entry a site still needs "
        + oldestAgeMillis + " ms old, past the retention cap (max-journal-bytes " + settings.maxJournalBytes()
        + ", max-journal-age "
        + settings.maxJournalAge() + ")";
    HorizonHolder holder = o.plan().holder();
    if (holder == null || holder.site().equals(site) || o.silent().containsKey(holder.site())) {
      log.warn("[{}] {}, but no peer can be dropped: {}", site, over, heldBack(holder));
      return;
    }
    // Dropping a peer must free most of the journal. The byte measure shrinks only as the storage compacts what was
    // collected, so right after a drop a peer a few entries behind would otherwise be dropped for nothing.
    if (holder.entries() * 2 < o.held().entries()) {
      log.warn("[{}] {}; {} holds back only {} of the {} entries held, so it is not dropped (the journal's bytes"
          + " shrink as the storage compacts what was collected)", site, over, holder.site(), holder.entries(),
          o.held().entries());
      return;
    }
    String reason = over + "; " + holder.site() + " held the horizon back by " + holder.entries() + " entries";
    log.warn("[{}] dropping peer {} from the journal horizon: {}", site, holder.site(), reason);
    metrics.onJournalGcRound(DROPPED, 0);
    drop.drop(holder.site(), reason, settings.askTimeout()).whenComplete((ok, failure) -> {
      if (failure != null) {
        log.warn("[{}] could not drop peer {} (tried again next round): {}", site, holder.site(),
            SiteSingletons.rootMessage(failure));
      }
    });
  }

  /** Logs when peers start to stop the rounds, when that changes, and when it ends; not every round in between. */
  private void reportBlocked(Map<String, String> silent) {
    // while the node stops, the replicators stop too: no outage to report
    boolean stopping = CoordinatedShutdown.get(context.getSystem()).getShutdownReason().isPresent();
    if (!silent.keySet().equals(blockedBy) && !stopping) {
      if (silent.isEmpty()) {
        log.info("[{}] journal GC goes on: every peer's replicator answers{}", site, everyPeerAnswered ? " again" : "");
      } else if (!everyPeerAnswered) {
        log.info("[{}] journal GC waits for these peers' replicators to start: {}", site, silent.keySet());
      } else {
        log.warn("[{}] journal GC collects nothing while these peers' replicators do not answer within {} (starting,"
            + " moving to another node of the site, or stopped): {}", site, settings.askTimeout(), silent);
      }
    }
    if (silent.isEmpty()) everyPeerAnswered = true;
    blockedBy = Set.copyOf(silent.keySet());
  }

  private String heldBack(HorizonHolder holder) {
    if (holder == null) return "nothing holds the horizon back";
    if (holder.site().equals(site)) {
      return "the horizon is held back by the local apply (" + holder.entries() + " entries not applied yet)";
    }
    return "the horizon is held back by " + holder.site() + " (" + holder.entries() + " entries not acknowledged)";
  }
}
