package io.cfs.repl.admin.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMultiMap;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.typesafe.config.Config;
import io.cfs.repl.admin.server.auth.BearerToken;
import io.cfs.repl.engine.apply.ApplyLag;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.node.PeerReload;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.persistence.audit.AuditQuery;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Replication and store routes on Pekko Management's HTTP server, next to its cluster routes. Registered by class
 * name in the admin module's cfs-repl-overrides.conf. Field names of every body are part of the admin API (README).
 *
 * <p>Reads need no credentials. Mutating routes require {@code Authorization: Bearer <cfs-repl.admin.token>}; they
 * are checked before anything else (body, peer), so a refused request learns nothing and changes nothing. With no
 * token configured they are refused (403). This provider keeps its mutating routes under
 * {@code route-providers-read-only}, which is on so that Pekko Management's own cluster routes stay read-only:
 * the token is what guards ours.
 */
public final class ReplicationRoutes implements ManagementRouteProvider {
  private static final String REALM = "cfs-repl admin";

  private final ExtendedActorSystem system;
  private final AdminSettings admin;
  private final BearerToken token;
  private final StatusEvents events;

  public ReplicationRoutes(ExtendedActorSystem system) {
    this.system = system;
    this.admin = AdminSettings.create(system.settings().config());
    this.token = new BearerToken(admin.token());
    this.events = new StatusEvents(admin);
  }

  /** What is wrong with the node itself, for health: a full volume, while it lasts. */
  private static List<String> nodeReasons(ReplicationNode node) {
    return node.storageFull().current().stream().map(StorageFullState.Full::reason).toList();
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(
        pathPrefix("replication", () -> concat(
            path("status", () -> get(() -> withNode(node -> answer(StatusSource.status(node, admin),
                ReplicationRoutes::ok)))),
            path("events", () -> get(() -> withNode(events::stream))),
            path("lag", () -> get(() -> withStatuses(LagView::of))),
            path("health", () -> get(() -> withNode(node -> answer(StatusSource.links(node, admin),
                links -> ok(HealthView.of(node.siteId(), links.statuses(), links.heartbeats(), nodeReasons(node),
                    admin, System.currentTimeMillis())))))),
            path("audit", () -> get(() -> parameterMultiMap(this::audit))),
            path("apply-lag", () -> get(() -> parameterOptional("seconds", seconds -> withNode(node ->
                ok(applyLag(node, node.applyLag().snapshot(), seconds.map("true"::equals).orElse(false))))))),
            path(PathMatchers.segment("apply-lag").slash("reset"), () -> post(() -> authorized(() -> withNode(node -> {
              ApplyLag.Snapshot ended = node.applyLag().snapshot();
              node.applyLag().resetWindow();
              return ok(applyLag(node, ended, false));
            })))),
            path("sync", () -> post(() -> authorized(() -> withNode(this::sync)))),
            path("verify", () -> concat(
                get(() -> withNode(node -> ok(verifyView(node)))),
                post(() -> authorized(() -> withNode(this::verify))))),
            path("failover", () -> concat(
                get(() -> withNode(this::failoverStatus)),
                post(() -> authorized(() -> withNode(this::failover))))),
            path(PathMatchers.segment("peers").slash("reload"), () ->
                post(() -> authorized(() -> withNode(this::reloadPeers)))),
            path(PathMatchers.segment("peers").slash(PathMatchers.segment()).slash("pause"), peer ->
                post(() -> authorized(() -> withNode(node -> onPeer(node, peer, node::pause))))),
            path(PathMatchers.segment("peers").slash(PathMatchers.segment()).slash("resume"), peer ->
                post(() -> authorized(() -> withNode(node -> onPeer(node, peer, node::resume))))),
            path(PathMatchers.segment("peers").slash(PathMatchers.segment()).slash("resync"), peer ->
                post(() -> authorized(() -> withNode(node -> onPeer(node, peer, node::resync))))),
            path(PathMatchers.segment("peers").slash(PathMatchers.segment()).slash("throttle"), peer ->
                concat(post(() -> throttle(peer)), put(() -> throttle(peer)))),
            path(PathMatchers.segment("peers").slash(PathMatchers.segment()).slash("forget-incarnation"), peer ->
                post(() -> authorized(() -> withNode(node -> parameterOptional("incarnation",
                    incarnation -> forgetIncarnation(node, peer, incarnation.orElse(null))))))))),
        pathPrefix("store", () -> concat(
            path("digest", () -> get(() -> withNode(node ->
                onSuccess(storeRead(node, () -> node.store().digest()),
                    digest -> complete(StatusCodes.OK, digest, Json.marshaller()))))),
            path("watermarks", () -> get(() -> withNode(node ->
                onSuccess(storeRead(node, () -> WatermarksView.of(node)),
                    view -> complete(StatusCodes.OK, view, Json.marshaller()))))),
            path(PathMatchers.segment("inodes").slash(PathMatchers.longSegment()), id -> get(() -> withNode(node ->
                onSuccess(storeRead(node, () -> node.store().get(id)), value -> value
                    .map(v -> complete(StatusCodes.OK, InodeView.of(v), Json.marshaller()))
                    .orElseGet(() -> complete(StatusCodes.NOT_FOUND, "no inode " + id + " on this site\n")))))))));
  }

  /** Store reads block (a scan, or a round trip to PostgreSQL): they run on the node's blocking dispatcher. */
  private static <T> CompletionStage<T> storeRead(ReplicationNode node, Supplier<T> read) {
    return CompletableFuture.supplyAsync(read, node.storageExecutor());
  }

  /** A page of the audit trail, read on the storage executor; a bad parameter is refused before anything is read. */
  private Route audit(Map<String, List<String>> params) {
    AuditQuery query;
    try {
      query = AuditRequest.parse(params);
    } catch (IllegalArgumentException e) {
      return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", e.getMessage());
    }
    return withNode(node -> onComplete(node.audit().query(query), page -> page.isSuccess()
        ? ok(AuditView.of(node.siteId(), page.get()))
        : refuse(StatusCodes.SERVICE_UNAVAILABLE, "UNAVAILABLE", "the audit trail could not be read: "
            + page.failed().get())));
  }

  private Route sync(ReplicationNode node) {
    return entity(Unmarshaller.entityToString(), body -> {
      SyncRequest request;
      try {
        request = SyncRequest.parse(body);
      } catch (IllegalArgumentException e) {
        return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", e.getMessage());
      }
      return answer(node.sync(request.force(), admin.askTimeout()),
          outcomes -> ok(SyncView.of(node.siteId(), request.force(), outcomes)));
    });
  }

  /**
   * Starts a verification (and repair) against a peer and answers at once, 202: it reads both stores whole, which may
   * take longer than an HTTP request should; GET /replication/verify shows its progress and then its report.
   */
  private Route verify(ReplicationNode node) {
    return entity(Unmarshaller.entityToString(), body -> {
      VerifyRequest request;
      try {
        request = VerifyRequest.parse(body);
      } catch (IllegalArgumentException e) {
        return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", e.getMessage());
      }
      if (!node.peers().contains(request.peer())) {
        return refuse(StatusCodes.NOT_FOUND, "UNKNOWN_PEER", "site " + request.peer() + " is not a peer of "
            + node.siteId() + " (peers: " + node.peers() + ")");
      }
      long id;
      try {
        id = node.verifier().start(request.peer(), request.repair()).id();
      } catch (IllegalStateException e) {
        return refuse(StatusCodes.CONFLICT, "VERIFY_RUNNING", e.getMessage());
      }
      Map<String, Object> view = verifyView(node);
      view.put("id", id);
      return complete(StatusCodes.ACCEPTED, view, Json.marshaller());
    });
  }

  private static Map<String, Object> verifyView(ReplicationNode node) {
    Map<String, Object> view = new java.util.LinkedHashMap<>();
    view.put("site", node.siteId());
    view.put("running", node.verifier().running().orElse(null));
    view.put("last", node.verifier().last().orElse(null));
    return view;
  }

  /** The site's mode, role, epoch, primary and peers' health as its resolver sees them (a site alone has none). */
  private Route failoverStatus(ReplicationNode node) {
    return node.failover().map(failover -> answer(failover.status(admin.askTimeout()), status -> ok(status)))
        .orElseGet(() -> ok(java.util.Map.of("site", node.siteId(), "mode", "active-active")));
  }

  /** With {@code seconds}, also the window second by second, and the thresholds its counts are over. */
  private static Map<String, Object> applyLag(ReplicationNode node, ApplyLag.Snapshot snapshot, boolean seconds) {
    Map<String, Object> answer = new LinkedHashMap<>(Map.of("site", node.siteId(),
        "node", node.nodeAddress(), "sinceStart", snapshot.sinceStart(), "window", snapshot.window(),
        "windowSinceMillis", snapshot.windowSinceMillis(), "lastAppliedMillis", snapshot.lastAppliedMillis(),
        "durable", Map.of("sinceStart", snapshot.durableSinceStart(), "window", snapshot.durableWindow())));
    EntryAges.Snapshot stages = snapshot.stages();
    answer.put("stages", Map.of("sinceStart", stageView(stages.sinceStart()), "window", stageView(stages.window())));
    if (seconds) {
      answer.put("overThresholdsMillis", ApplyLag.THRESHOLDS_MILLIS);
      answer.put("seconds", node.applyLag().seconds(snapshot));
    }
    return answer;
  }

  /** Stages by their JSON names ({@link EntryStage#label}), in the order entries pass them. */
  private static Map<String, Object> stageView(Map<EntryStage, Map<String, EntryAges.Summary>> byStage) {
    Map<String, Object> view = new LinkedHashMap<>();
    byStage.forEach((stage, bySite) -> view.put(stage.label(), bySite));
    return view;
  }

  /** An operator's failover, audited by the resolver whether it starts or not. */
  private Route failover(ReplicationNode node) {
    return entity(Unmarshaller.entityToString(), body -> {
      FailoverRequest request;
      try {
        request = FailoverRequest.parse(body);
      } catch (IllegalArgumentException e) {
        return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", e.getMessage());
      }
      if (node.failover().map(f -> !f.activePassive()).orElse(true)) {
        return refuse(StatusCodes.CONFLICT, "FAILOVER_NOT_CONFIGURED", "site " + node.siteId()
            + " runs active-active (cfs-repl.failover.mode): every site takes writes, there is nothing to fail over");
      }
      return answer(node.failover().get().failover(request.to(), request.force(), admin.askTimeout()),
          outcome -> outcome.started() ? ok(java.util.Map.of("site", node.siteId(), "to", request.to(),
              "force", request.force(), "message", outcome.message()))
              : refuse(StatusCodes.CONFLICT, "FAILOVER_REFUSED", outcome.message()));
    });
  }

  /** Authorized first, then the peer and the body are checked: a refused request changes nothing. */
  private Route throttle(String peer) {
    return authorized(() -> withNode(node -> entity(Unmarshaller.entityToString(), body -> {
      ThrottleRequest request;
      try {
        request = ThrottleRequest.parse(body);
      } catch (IllegalArgumentException e) {
        return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", e.getMessage());
      }
      return onPeer(node, peer, (p, timeout) -> node.throttle(p, request.bytesPerSecond(), timeout));
    })));
  }

  /**
   * Re-reads the node's configuration file and applies its peers: added sites get a replicator, removed ones are
   * dropped (README "Adding and removing sites"). 400 when the file is unreadable or changes what a reload does not
   * apply, 409 when the mesh's voters are fixed (active-passive), 503 when this node has no file to read again.
   */
  private Route reloadPeers(ReplicationNode node) {
    Optional<Supplier<Config>> source = NodeExtension.of(system).configSource();
    if (source.isEmpty()) {
      return refuse(StatusCodes.SERVICE_UNAVAILABLE, "UNAVAILABLE", "this node was not started from a configuration"
          + " file (cfs node --config FILE), so it has nothing to reload its peers from");
    }
    CompletionStage<PeerReload> reload;
    try {
      reload = node.reloadPeers(source.get().get(), admin.askTimeout());
    } catch (IllegalStateException e) {
      return refuse(StatusCodes.CONFLICT, "RELOAD_REFUSED", e.getMessage());
    } catch (RuntimeException e) {
      return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", "peers not reloaded: " + e.getMessage());
    }
    return answer(reload, done -> ok(Map.of("site", node.siteId(), "added", done.added(), "removed", done.removed(),
        "peers", done.peers())));
  }

  private Route onPeer(ReplicationNode node, String peer,
                       BiFunction<String, Duration, CompletionStage<ReplicatorStatus>> action) {
    if (!node.peers().contains(peer)) return unknownPeer(node, peer);
    long now = System.currentTimeMillis();
    return answer(action.apply(peer, admin.askTimeout()), status -> ok(StatusView.PeerView.of(status, admin, now)));
  }

  private Route unknownPeer(ReplicationNode node, String peer) {
    return refuse(StatusCodes.NOT_FOUND, "UNKNOWN_PEER", "site " + peer + " is not a peer of " + node.siteId()
        + " (peers: " + node.peers() + ")");
  }

  /**
   * The operator's reset of a peer's history after that peer lost its data dir (README: "A site lost its data dir"):
   * {@code ?incarnation=} names the held incarnation to forget, as the refusal and its audit record name it; 409 if
   * another one (or none) is held.
   */
  private Route forgetIncarnation(ReplicationNode node, String peer, String incarnation) {
    if (!node.peers().contains(peer)) return unknownPeer(node, peer);
    UUID expected;
    try {
      expected = UUID.fromString(incarnation == null ? "" : incarnation);
    } catch (IllegalArgumentException e) {
      return refuse(StatusCodes.BAD_REQUEST, "BAD_REQUEST", "?incarnation= must name the incarnation of " + peer
          + "'s journal held here, as the INCARNATION_MISMATCH refusal names it; was " + incarnation);
    }
    return onComplete(node.forgetIncarnation(peer, expected), result -> {
      if (result.isFailure()) {
        return refuse(StatusCodes.SERVICE_UNAVAILABLE, "UNAVAILABLE", "the store could not forget " + peer + ": "
            + result.failed().get());
      }
      return result.get().map(forgotten -> ok(ForgottenView.of(node.siteId(), forgotten)))
          .orElseGet(() -> refuse(StatusCodes.CONFLICT, "NOT_HELD", node.siteId() + " does not hold incarnation "
              + expected + " of " + peer + ": nothing forgotten (the held one is named by the INCARNATION_REFUSED"
              + " audit record)"));
    });
  }

  /** A read body built from the status of every link. */
  private interface StatusBody {
    Object of(String site, List<ReplicatorStatus> statuses, AdminSettings admin, long nowMillis);
  }

  /** The status of every link, then a body built from it; 503 when the replicators do not answer in time. */
  private Route withStatuses(StatusBody body) {
    return withNode(node -> answer(node.status(admin.askTimeout()),
        statuses -> ok(body.of(node.siteId(), statuses, admin, System.currentTimeMillis()))));
  }

  private <T> Route answer(CompletionStage<T> pending, Function<T, Route> inner) {
    return onComplete(pending, result -> result.isSuccess() ? inner.apply(result.get())
        : refuse(StatusCodes.SERVICE_UNAVAILABLE, "UNAVAILABLE",
            "the replicators did not answer: " + result.failed().get()));
  }

  /** Lets the request through only with the configured bearer token; without one, mutating routes are off. */
  private Route authorized(Supplier<Route> inner) {
    if (!token.configured()) {
      return refuse(StatusCodes.FORBIDDEN, "FORBIDDEN", "mutating admin routes are disabled on this node: configure a"
          + " bearer token in cfs-repl.admin.token (or the CFS_ADMIN_TOKEN environment variable) to enable them");
    }
    return token.require(REALM, inner, verdict -> refuse(StatusCodes.UNAUTHORIZED, "UNAUTHORIZED",
        verdict == BearerToken.Verdict.MISSING ? "this route requires \"Authorization: Bearer <token>\""
            : "the bearer token is not valid"));
  }

  private Route withNode(Function<ReplicationNode, Route> inner) {
    return NodeExtension.of(system).node().map(inner)
        .orElseGet(() -> complete(StatusCodes.SERVICE_UNAVAILABLE, "node is starting\n"));
  }

  private static <T> Route ok(T body) {
    return complete(StatusCodes.OK, body, Json.marshaller());
  }

  private static Route refuse(StatusCode status, String error, String message) {
    return complete(status, new ErrorView(error, message), Json.marshaller());
  }
}
