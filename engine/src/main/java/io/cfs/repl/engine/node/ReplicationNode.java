package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import io.cfs.repl.engine.apply.Applier;
import io.cfs.repl.engine.apply.ApplyLag;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.apply.LocalApplier;
import io.cfs.repl.engine.apply.LocalApplySettings;
import io.cfs.repl.engine.audit.AuditSettings;
import io.cfs.repl.engine.audit.AuditTrail;
import io.cfs.repl.engine.clock.SiteClock;
import io.cfs.repl.engine.conflict.ConflictAudit;
import io.cfs.repl.engine.conflict.ConflictFeed;
import io.cfs.repl.engine.conflict.ConflictSettings;
import io.cfs.repl.engine.control.ChannelRouter;
import io.cfs.repl.engine.epoch.SiteEpochs;
import io.cfs.repl.engine.failover.FailoverConfig;
import io.cfs.repl.engine.failover.FailoverEvent;
import io.cfs.repl.engine.failover.FailoverListener;
import io.cfs.repl.engine.failover.FailoverSettings;
import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.engine.failover.SiteFailover;
import io.cfs.repl.engine.gc.CappedJournal;
import io.cfs.repl.engine.gc.HorizonHolder;
import io.cfs.repl.engine.gc.JournalCollector;
import io.cfs.repl.engine.gc.JournalGcSettings;
import io.cfs.repl.engine.gc.JournalStatus;
import io.cfs.repl.engine.gc.PeerHold;
import io.cfs.repl.engine.gc.StableSeqs;
import io.cfs.repl.engine.lease.SingletonLocator;
import io.cfs.repl.engine.lease.SiteLease;
import io.cfs.repl.engine.lease.SiteLeases;
import io.cfs.repl.engine.lease.SiteSingletons;
import io.cfs.repl.engine.membership.PeerChange;
import io.cfs.repl.engine.membership.PeerDirectory;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.engine.receiver.BatchReceiver;
import io.cfs.repl.engine.receiver.IncarnationGuard;
import io.cfs.repl.engine.receiver.ReceiverSettings;
import io.cfs.repl.engine.replicator.PersistedCursors;
import io.cfs.repl.engine.replicator.ReplicatorSettings;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ReplicatorWiring;
import io.cfs.repl.engine.replicator.ResyncView;
import io.cfs.repl.engine.replicator.SiteReplicator;
import io.cfs.repl.engine.replicator.SyncOutcome;
import io.cfs.repl.engine.resync.ResyncSettings;
import io.cfs.repl.engine.resync.SnapshotReceiver;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.engine.verify.SiteVerifier;
import io.cfs.repl.engine.verify.VerifyServer;
import io.cfs.repl.engine.verify.VerifySettings;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.journal.JournalFootprint;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.ForgottenOrigin;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.WriteConflict;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of one site: local journal, metadata store, the site's Pekko Cluster membership, the link listener
 * that receives peers' batches, and one SiteReplicator per peer (a cluster singleton, so it moves when its node
 * dies). {@link #start} returns once the node accepts appends and links.
 */
public final class ReplicationNode implements AutoCloseable {
  public static final String SYSTEM_NAME = "cfs-repl";
  private static final Logger log = LoggerFactory.getLogger(ReplicationNode.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final NodeSettings settings;
  private final ActorSystem<Void> system;
  private final NodeStorage storage;
  /** The journal writers append to: the storage's, behind the retention cap when it refuses writes. */
  private final LocalJournal writes;
  private final Tcp.ServerBinding linkBinding;
  /** The site's peers: as configured at start, then as reloaded. */
  private final PeerDirectory peers;
  /** Starts the replicator of a peer (its site singleton), at start and for a peer a reload adds. */
  private final Consumer<PeerAddress> replicators;
  /** The peers whose replicator this node has started (it keeps running, inert, once its peer is removed). */
  private final Set<String> startedReplicators = ConcurrentHashMap.newKeySet();
  private final ReplicationMetrics metrics;
  private final Executor storageExecutor;
  private final SiteEpochs epochs;
  private final SiteFailover failover;
  private final AuditTrail audit;
  private final ApplyLag applyLag;
  private final SiteClock clock;
  private final SiteVerifier verifier;
  private final StorageFullState storageFull;
  private final IncarnationGuard incarnations;
  private final ConflictFeed conflicts;
  private final JournalGcSettings gc;

  private ReplicationNode(NodeSettings settings, ActorSystem<Void> system, NodeStorage storage,
                          LocalJournal writes, Tcp.ServerBinding linkBinding, PeerDirectory peers,
                          Consumer<PeerAddress> replicators, Executor storageExecutor,
                          SiteEpochs epochs, SiteFailover failover, AuditTrail audit, ApplyLag applyLag,
                          SiteClock clock, SiteVerifier verifier, StorageFullState storageFull,
                          IncarnationGuard incarnations, ConflictFeed conflicts, JournalGcSettings gc,
                          ReplicationMetrics metrics) {
    this.replicators = replicators;
    this.startedReplicators.addAll(peers.sites());
    this.metrics = metrics;
    this.conflicts = conflicts;
    this.gc = gc;
    this.verifier = verifier;
    this.storageFull = storageFull;
    this.incarnations = incarnations;
    this.applyLag = applyLag;
    this.clock = clock;
    this.epochs = epochs;
    this.failover = failover;
    this.settings = settings;
    this.system = system;
    this.storage = storage;
    this.writes = writes;
    this.linkBinding = linkBinding;
    this.peers = peers;
    this.storageExecutor = storageExecutor;
    this.audit = audit;
  }

  /** Starts a node from a config already merged with reference.conf (see {@link NodeConfig#load}). */
  public static ReplicationNode start(Config userConfig, ApplyListener applyListener) throws Exception {
    return start(userConfig, NodeHooks.of(applyListener));
  }

  /** Starts a node observed by {@code hooks} (apply listener, metrics, tracing). */
  public static ReplicationNode start(Config userConfig, NodeHooks hooks) throws Exception {
    Config config = NodeConfig.effective(userConfig);
    NodeSettings settings = NodeSettings.create(config);
    ReplicatorSettings replicatorSettings = ReplicatorSettings.create(config);
    ReceiverSettings receiverSettings = ReceiverSettings.create(config);
    LinkSettings linkSettings = LinkSettings.create(config);
    KryoCodec kryo = KryoRegistrations.fromConfig(config);
    WireCodec codec = new WireCodec(kryo);
    SiteLease.validate(config);
    log.info("[{}] starting node: storage {}, data {}, link {}:{}, peers {}", settings.siteId(), settings.storage(),
        settings.dataDir(), settings.linkHost(), settings.linkPort(), settings.peers().keySet());

    PeerDirectory directory = new PeerDirectory(settings.peers());
    // no failover configured: every append admitted at epoch 0; the SplitBrainResolver installs its own
    SiteEpochs epochs = SiteEpochs.noFailover();
    SiteClock clock = new SiteClock();
    StorageFullState storageFull = new StorageFullState(hooks.metrics());
    NodeStorage storage = NodeStorage.open(settings, config, hooks.metrics(), epochs, clock, storageFull);
    LocalJournal journal = storage.journal();
    MetadataStore store = storage.store();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
    AuditTrail audit = null;
    try {
      Cluster cluster = Cluster.get(system);
      if (settings.contactPoints().isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      CursorSchema.create(config, storage);
      storage.fenceCursorEvents();
      JournalWarmUp.run(system, STARTUP_TIMEOUT);
      SiteLeases.get(system).init(storage.leases());

      // the storage executor: every blocking storage call of an actor, a stream or a route runs on it
      Executor storageExecutor = system.dispatchers().lookup(
          DispatcherSelector.fromConfig(receiverSettings.applyDispatcher()));
      audit = AuditTrail.start(system, storage.audit(), storageExecutor, AuditSettings.create(config),
          hooks.metrics());
      // stale-epoch refusals and old-epoch entries go to the audit trail besides the node's own listener; every
      // applied batch moves the site's clock
      // and every conflict an apply records wakes the conflict subscriptions
      ConflictFeed conflicts = new ConflictFeed(settings.siteId(), store, storageExecutor,
          ConflictSettings.create(config), FailoverAudit.of(hooks.applyListener(), audit, settings.siteId()));
      EntryAges ages = new EntryAges(hooks.metrics());
      ApplyLag listener = new ApplyLag(clock.listener(conflicts), ages);
      Applier applier = new Applier(store, storageExecutor, listener, hooks.metrics(), storageFull);
      // one node of the site applies the site's own journal: a singleton, so it moves with its node
      LocalApplySettings localApply = LocalApplySettings.create(config);
      SiteSingletons.init(system, LocalApplier.singletonName(settings.siteId()), hooks.metrics(),
          fence -> LocalApplier.create(journal, store, applier, localApply, fence));
      // the store's conflicts are copied into the audit trail by one node of the site
      AuditSettings auditSettings = AuditSettings.create(config);
      SiteSingletons.init(system, ConflictAudit.singletonName(settings.siteId()), hooks.metrics(),
          fence -> ConflictAudit.create(settings.siteId(), store, storage.audit(), storageExecutor,
              ConflictSettings.create(config), auditSettings));
      // the journal is collected behind every peer's persisted cursors and the local apply, by one node of the site
      JournalGcSettings gc = JournalGcSettings.create(config);
      // under cap-policy refuse-writes every node measures the journal itself and refuses appends past the cap
      CappedJournal capped = gc.capPolicy() == JournalGcSettings.CapPolicy.REFUSE_WRITES
          ? new CappedJournal(journal, gc, hooks.metrics(), audit) : null;
      if (capped != null) {
        system.scheduler().scheduleWithFixedDelay(gc.interval(), gc.interval(),
            () -> storageExecutor.execute(() -> measureCap(capped, settings.siteId())), system.executionContext());
      }
      // what this node knows of how far every site has applied each origin: tombstone collection reads it
      StableSeqs stable = new StableSeqs();
      SiteSingletons.init(system, JournalCollector.singletonName(settings.siteId()), hooks.metrics(),
          fence -> JournalCollector.create(settings.siteId(), directory, journal,
              () -> store.durableWatermarks(settings.siteId()),
              (peer, timeout) -> ReplicationNode.<PersistedCursors>askReplicator(system, peer,
                  SiteReplicator.GetCursors::new, timeout)
                  .thenApply(c -> new PeerHold(c.cursors(), c.released(), c.resyncing())),
              (peer, reason, timeout) -> ReplicationNode.<ReplicatorStatus>askReplicator(system, peer,
                  replyTo -> new SiteReplicator.RequireResync(reason, false, replyTo), timeout),
              stable, store::collectTombstones, storageExecutor, gc, hooks.metrics()));
      IncarnationGuard incarnations = new IncarnationGuard(settings.siteId(), store, storageExecutor, audit);
      BatchReceiver receiver = new BatchReceiver(settings.siteId(), directory, applier, codec,
          receiverSettings, listener, hooks.metrics(), hooks.tracer(), epochs, incarnations, stable, ages);
      LinkSecurity security = LinkSecurity.create(system, linkSettings.tls(), settings.siteId(),
          hooks.metrics().tls());
      SiteFailover failover = NodeFailover.start(system, settings, directory, config, linkSettings, security, epochs,
          hooks, store,
          storageExecutor, audit);
      ResyncSettings resyncSettings = ResyncSettings.create(config);
      SnapshotReceiver snapshots = new SnapshotReceiver(settings.siteId(), directory, store,
          storageExecutor, incarnations, kryo, resyncSettings, audit);
      VerifyServer verifyServer = new VerifyServer(settings.siteId(), directory, store,
          storageExecutor, audit, kryo, linkSettings.idleTimeout().dividedBy(3));
      LinkHandler links = new ChannelRouter(receiver, failover != null ? failover.control() : NodeFailover.NONE,
          verifyServer, snapshots);
      Tcp.ServerBinding binding = SiteLinkServer.bind(system, linkSettings, security, settings.siteId(),
              settings.linkHost(), settings.linkPort(), links, hooks.metrics().inboundLinks())
          .toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      AuditTrail auditSink = audit;
      Consumer<PeerAddress> replicators = peer -> {
        ReplicatorWiring wiring = new ReplicatorWiring(settings.siteId(), peer.site(), peer.addresses(),
            journal, replicatorSettings, linkSettings, security, codec, hooks.metrics(),
            hooks.metrics().link(peer.site()), hooks.tracer(), epochs, auditSink, peer.throttleBytesPerSecond(), store,
            resyncSettings, stable, directory, ages);
        SiteSingletons.init(system, SiteReplicator.singletonName(peer.site()), hooks.metrics(),
            held -> SiteReplicator.create(wiring, held.fence()), SiteReplicator.Stop.INSTANCE);
      };
      settings.peers().values().forEach(replicators);
      log.info("[{}] node up: link listener on {}", settings.siteId(), binding.localAddress());
      SiteVerifier verifier = new SiteVerifier(settings.siteId(), system, linkSettings, security, kryo, store,
          storageExecutor, audit, VerifySettings.create(config), directory::address);
      return new ReplicationNode(settings, system, storage, capped != null ? capped : journal, binding,
          directory, replicators, storageExecutor, epochs, failover, audit, listener, clock, verifier, storageFull,
          incarnations, conflicts, gc, hooks.metrics());
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (audit != null) audit.close();
      storage.close();
      throw e;
    }
  }

  /** The site's failover on this node (health only in active-active mode); empty for a site without peers. */
  public Optional<SiteFailover> failover() {
    return Optional.ofNullable(failover);
  }

  public String siteId() {
    return settings.siteId();
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public LocalJournal journal() {
    return writes;
  }

  /** Why appends are refused by the journal's retention cap now ({@code refuse-writes}), or null. */
  public String journalCapRefusal() {
    return writes instanceof CappedJournal capped ? capped.refusal() : null;
  }

  private static void measureCap(CappedJournal capped, String site) {
    try {
      capped.measure(System.currentTimeMillis());
    } catch (RuntimeException e) {
      log.warn("[{}] measuring the journal for its retention cap failed (tried again next interval): {}", site,
          e.toString());
    }
  }

  public MetadataStore store() {
    return storage.store();
  }

  /**
   * The site's write conflicts with an id above {@code afterId}, oldest first, then each new one as an apply records
   * it: at least once, in id order, resumable after the last id handled. Never completes; fails with
   * {@link io.cfs.repl.engine.conflict.ConflictsCollectedException} rather than skip conflicts retention collected.
   */
  public Source<WriteConflict, NotUsed> conflicts(long afterId) {
    return conflicts.subscribe(afterId);
  }

  /**
   * The site's write gate and epoch as this node applies them: its journal's appends ask the gate, its batches and
   * acks carry the epoch, its receiver refuses batches below it. Until something installs others
   * ({@link SiteEpochs#install}: the SplitBrainResolver, before the node takes appends) every append is admitted at
   * epoch 0 and the epoch is the highest a peer showed (0 while no site has failover).
   */
  public SiteEpochs epochs() {
    return epochs;
  }

  /** Where blocking store work runs (the dispatcher applies run on): callers reading the store off an actor use it. */
  public Executor storageExecutor() {
    return storageExecutor;
  }

  /** Every applied entry's replication lag on this node, per origin (GET /replication/apply-lag). */
  /** The site's hybrid logical clock as this node keeps it. */
  public SiteClock clock() {
    return clock;
  }

  public ApplyLag applyLag() {
    return applyLag;
  }

  /** The site's audit trail: producers record into it without blocking; queries run on the storage executor. */
  public AuditTrail audit() {
    return audit;
  }

  /** Every origin whose entries this site's store applies: this site and its peers. */
  public Set<String> origins() {
    Set<String> origins = new TreeSet<>(peers());
    origins.add(siteId());
    return origins;
  }

  /** Port the link listener is bound to (useful when configured as 0). */
  public int linkPort() {
    return linkBinding.localAddress().getPort();
  }

  /**
   * Every link's status within {@code timeout}: a replicator that does not answer in time (starting, moving to
   * another node, fenced) is reported {@link io.cfs.repl.engine.link.LinkState#NOT_RUNNING}, so the answer
   * never waits on one link and names the links that are not running.
   */
  public CompletionStage<List<ReplicatorStatus>> status(Duration timeout) {
    List<CompletableFuture<ReplicatorStatus>> asks = new ArrayList<>();
    peers.sites().forEach(peer -> asks.add(this.<ReplicatorStatus>askReplicator(peer, SiteReplicator.GetStatus::new,
        timeout)
        .exceptionally(failure -> ReplicatorStatus.notRunning(siteId(), peer, "the SiteReplicator did not answer"
            + " within " + timeout.toMillis() + " ms: it is starting, moving to another node of the site, or was"
            + " stopped by fencing", System.currentTimeMillis()))));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
  }

  /** The cluster address of this node (system@host:port), as status names the node a replicator runs on. */
  public String nodeAddress() {
    return system.address().hostPort();
  }

  /** The site singletons running on this node now (a SiteReplicator per peer, the local applier), with tokens. */
  public List<SiteLeases.Running> singletonsHere() {
    return SiteLeases.get(system).runningHere();
  }

  public CompletionStage<ReplicatorStatus> pause(String peer, Duration timeout) {
    return askReplicator(requirePeer(peer), SiteReplicator.Pause::new, timeout);
  }

  public CompletionStage<ReplicatorStatus> resume(String peer, Duration timeout) {
    return askReplicator(requirePeer(peer), SiteReplicator.Resume::new, timeout);
  }

  /**
   * An operator's snapshot resync of {@code peer}: the peer gets this site's whole store and watermarks, then the
   * journal tail resumes from them. For a peer that lost its data, or whose shards stopped on a gap; a peer behind the
   * horizon is resynced without asking unless {@code cfs-repl.resync.auto} is off, and then this approves it.
   */
  public CompletionStage<ReplicatorStatus> resync(String peer, Duration timeout) {
    return askReplicator(requirePeer(peer), replyTo -> new SiteReplicator.RequireResync("requested by an operator",
        true, replyTo), timeout);
  }

  /**
   * An operator's throttle of the link to {@code peer}, in bytes per second on the wire (0 lifts it): persisted by the
   * replicator, so it holds over restarts and moves with it, and applied to the running link without reconnecting.
   */
  public CompletionStage<ReplicatorStatus> throttle(String peer, long bytesPerSecond, Duration timeout) {
    if (bytesPerSecond < 0) throw new IllegalArgumentException("throttle must be >= 0, was " + bytesPerSecond);
    return askReplicator(requirePeer(peer), replyTo -> new SiteReplicator.SetThrottle(bytesPerSecond, replyTo),
        timeout);
  }

  /**
   * An operator's sync of every link: links in backoff reconnect now; with {@code force}, stopped links and shards
   * are retried and connected links re-established from their cursors. Paused links stay paused.
   */
  public CompletionStage<Map<String, SyncOutcome>> sync(boolean force, Duration timeout) {
    Map<String, CompletableFuture<SyncOutcome>> asks = new TreeMap<>();
    peers.sites().forEach(peer -> asks.put(peer, this.<SyncOutcome>askReplicator(peer,
        replyTo -> new SiteReplicator.Sync(force, replyTo), timeout)));
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          Map<String, SyncOutcome> outcomes = new TreeMap<>();
          asks.forEach((peer, ask) -> outcomes.put(peer, ask.join()));
          return outcomes;
        });
  }

  /**
   * The journal as status shows it, given every link's status: what it holds (read on the storage executor) and who
   * holds its horizon back, by the entries each link has not had acknowledged ({@code lagEntries}; unknown for a link
   * whose replicator did not answer, which would stop collection too) and the entries the local apply has not applied.
   * A peer released from the horizon (it needs a snapshot resync and none runs) holds nothing back, as collection
   * treats it, however far behind its link is.
   */
  public CompletionStage<JournalStatus> journalStatus(List<ReplicatorStatus> links) {
    return CompletableFuture.supplyAsync(() -> {
      JournalFootprint held = journal().footprint();
      Map<String, Long> behind = new TreeMap<>();
      behind.put(siteId(), journal().lagBehind(store().watermarks(siteId())).entries());
      List<String> released = new ArrayList<>();
      links.forEach(link -> {
        // a peer that needs a resync and has none running holds nothing back
        if (link.resync() != null && link.resync().phase() == ResyncView.Phase.NEEDED) {
          released.add(link.peer());
        } else {
          behind.put(link.peer(), link.lagEntries() < 0 ? HorizonHolder.UNKNOWN : link.lagEntries());
        }
      });
      return new JournalStatus(gc.enabled(), held, HorizonHolder.of(behind), released, journalCapRefusal());
    }, storageExecutor);
  }

  /** Verify-and-repair of this site's store against a peer's (one verification at a time on this node). */
  public SiteVerifier verifier() {
    return verifier;
  }

  /**
   * An operator's deliberate reset after {@code peer} lost its data dir: if the incarnation of {@code peer}'s journal
   * held here is {@code expected} (the one a refusal named as held), forgets it and this site's watermarks of
   * {@code peer} on the storage executor ({@link MetadataStore#forgetIncarnation}), so that the peer's new history
   * is adopted at its next link and applied from seq 1; audited ({@link AuditKind#INCARNATION_FORGOTTEN}). Empty when
   * another incarnation (or none) is held. Values the old history wrote stay; bootstrapping the peer from a snapshot
   * is not part of this.
   *
   * @throws IllegalArgumentException if {@code peer} is not a configured peer
   */
  public CompletionStage<Optional<ForgottenOrigin>> forgetIncarnation(String peer, UUID expected) {
    requirePeer(peer);
    return CompletableFuture.supplyAsync(() -> store().forgetIncarnation(peer, expected), storageExecutor)
        .thenApply(forgotten -> {
          forgotten.ifPresent(this::recordForgotten);
          return forgotten;
        });
  }

  private void recordForgotten(ForgottenOrigin forgotten) {
    String peer = forgotten.origin();
    incarnations.forgotten(peer);
    long entries = forgotten.watermarks().values().stream().mapToLong(Long::longValue).sum();
    String detail = "forgot incarnation " + forgotten.incarnation() + " of " + peer + " and its watermarks ("
        + entries + " entries over " + forgotten.watermarks().size() + " shards); the next incarnation of " + peer
        + " to link is adopted and applied from seq 1";
    log.warn("[{}] {}", siteId(), detail);
    audit.record(AuditRecord.of(AuditKind.INCARNATION_FORGOTTEN, System.currentTimeMillis(), siteId(), detail)
        .withPeer(peer).withAttribute("incarnation", forgotten.incarnation().toString()));
  }

  /** The peer sites this node ships to. */
  /** Whether this node's journal or store refuses writes for lack of space now (health and status show it). */
  public StorageFullState storageFull() {
    return storageFull;
  }

  public Set<String> peers() {
    return peers.sites();
  }

  /**
   * An operator's reload of the site's peers from {@code userConfig} (the node's configuration file read again): peers
   * added get a replicator and are accepted by this node's receivers; peers removed have their cursors dropped
   * (persisted), hold the journal back nowhere, and their links, both ways, are refused. Nothing else of the
   * configuration is applied. Refused, changing nothing, when the site id differs, when a peer's addresses or
   * throttle changed (a restart applies those), or when the mesh runs active-passive (the voters of an election are
   * fixed while it runs). One reload at a time per node; every node of a site is reloaded on its own.
   */
  public synchronized CompletionStage<PeerReload> reloadPeers(Config userConfig, Duration timeout) {
    NodeSettings fresh = NodeSettings.create(NodeConfig.effective(userConfig));
    if (!fresh.siteId().equals(siteId())) {
      throw new IllegalArgumentException("the configuration is of site " + fresh.siteId() + ", this node is of "
          + siteId());
    }
    PeerChange change = peers.diff(fresh.peers());
    if (!change.changed().isEmpty()) {
      throw new IllegalArgumentException("the addresses or throttle of " + change.changed() + " changed: a reload"
          + " only adds and removes peers; restart the node to apply those");
    }
    if (!change.none() && failover != null && failover.activePassive()) {
      throw new IllegalStateException("the mesh runs active-passive: its voters (the sites) are fixed while it runs;"
          + " adding or removing a site needs every site restarted with the new configuration");
    }
    peers.replace(fresh.peers());
    if (!change.none()) metrics.onPeersChanged(peers());
    Map<String, List<InetSocketAddress>> addresses = new TreeMap<>();
    for (String added : change.added()) {
      PeerAddress address = fresh.peers().get(added);
      addresses.put(added, address.addresses());
      record(AuditKind.PEER_ADDED, added, "added to the site's peers by a reload (link listeners "
          + address.addresses() + ")");
    }
    for (String removed : change.removed()) {
      record(AuditKind.PEER_REMOVED, removed, "removed from the site's peers by a reload: its cursors are dropped, it"
          + " holds the journal back nowhere, and its links are refused");
    }
    // Every replicator this node started is told whether its peer is one now, not only those that changed: a reload
    // repeated after one whose answers timed out completes it. A replicator started now checks itself as it recovers.
    List<CompletableFuture<ReplicatorStatus>> told = new ArrayList<>();
    for (String peer : new TreeSet<>(startedReplicators)) {
      boolean member = peers.contains(peer);
      told.add(this.<ReplicatorStatus>askReplicator(peer, replyTo -> new SiteReplicator.Membership(member, replyTo),
          timeout));
    }
    for (String added : change.added()) {
      if (startedReplicators.add(added)) replicators.accept(fresh.peers().get(added));
    }
    if (failover != null && !change.none()) failover.peersChanged(addresses, change.removed(), peers());
    log.info("[{}] peers reloaded: added {}, removed {}; peers now {}", siteId(), change.added(), change.removed(),
        peers());
    PeerReload reload = new PeerReload(change.added(), change.removed(), peers());
    // answered once every replicator concerned has taken it (a removed peer's cursors are dropped by then)
    return CompletableFuture.allOf(told.toArray(CompletableFuture[]::new)).thenApply(done -> reload);
  }

  private void record(AuditKind kind, String peer, String detail) {
    audit.record(AuditRecord.of(kind, System.currentTimeMillis(), siteId(), detail).withPeer(peer));
  }

  private String requirePeer(String peer) {
    if (!peers.contains(peer)) throw new IllegalArgumentException("unknown peer site: " + peer);
    return peer;
  }

  /** Asks the replicator for {@code peer} wherever it runs now ({@link SingletonLocator}), within {@code timeout}. */
  <R> CompletableFuture<R> askReplicator(String peer, Function<ActorRef<R>, SiteReplicator.Command> message,
                                         Duration timeout) {
    return askReplicator(system, peer, message, timeout);
  }

  private static <R> CompletableFuture<R> askReplicator(ActorSystem<?> system, String peer,
                                                        Function<ActorRef<R>, SiteReplicator.Command> message,
                                                        Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return SingletonLocator.<SiteReplicator.Command>locate(system, SiteReplicator.singletonName(peer), timeout)
        .thenCompose(ref -> AskPattern.<SiteReplicator.Command, R>ask(ref, message::apply,
            Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())), system.scheduler()))
        .toCompletableFuture();
  }

  @Override
  public void close() {
    log.info("[{}] stopping node", settings.siteId());
    if (failover != null) failover.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("[{}] actor system did not terminate cleanly: {}", settings.siteId(), e.toString());
    } finally {
      audit.close(); // what the stopping links recorded, before the log closes
      storage.close();
    }
  }
}
