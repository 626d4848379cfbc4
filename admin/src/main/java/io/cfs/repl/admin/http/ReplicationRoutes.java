package io.cfs.repl.admin.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import io.cfs.repl.engine.node.ReplicationNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Replication and store routes on Pekko Management's HTTP server, next to its cluster routes. Registered by class
 * name in the admin module's reference.conf.
 */
public final class ReplicationRoutes implements ManagementRouteProvider {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ExtendedActorSystem system;

  public ReplicationRoutes(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(
        pathPrefix("replication", () -> path("status", () -> get(() -> withNode(node ->
            onSuccess(node.status(ASK_TIMEOUT), statuses -> complete(StatusCodes.OK,
                StatusView.of(node.siteId(), statuses, System.currentTimeMillis()), Json.marshaller())))))),
        pathPrefix("store", () -> concat(
            path("digest", () -> get(() -> withNode(node ->
                onSuccess(CompletableFuture.supplyAsync(() -> node.store().digest()),
                    digest -> complete(StatusCodes.OK, digest, Json.marshaller()))))),
            path(PathMatchers.segment("inodes").slash(PathMatchers.longSegment()), id -> get(() -> withNode(node ->
                node.store().get(id)
                    .map(v -> complete(StatusCodes.OK, InodeView.of(v), Json.marshaller()))
                    .orElseGet(() -> complete(StatusCodes.NOT_FOUND, "no inode " + id + " on this site\n"))))))));
  }

  private Route withNode(java.util.function.Function<ReplicationNode, Route> inner) {
    return NodeExtension.of(system).node().map(inner)
        .orElseGet(() -> complete(StatusCodes.SERVICE_UNAVAILABLE, "node is starting\n"));
  }
}
