package io.cfs.repl.admin.server.ui;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /ui}: the live status page, served from the admin jar's resources ({@value #RESOURCES}), with nothing
 * fetched from elsewhere, so it works on a host without internet access. The page reads
 * {@code GET /replication/events} and calls the pause, resume and sync routes with the token the operator types in.
 * Registered by class name in the admin module's cfs-repl-overrides.conf.
 *
 * <p>The page and its scripts name everything relative to {@code /ui/}, so they keep working under Pekko
 * Management's {@code base-path}.
 */
public final class UiRoutes implements ManagementRouteProvider {
  static final String RESOURCES = "cfs-repl/ui";

  public UiRoutes(ExtendedActorSystem system) {
    // Pekko Management instantiates providers with the actor system; the page needs nothing of it
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return pathPrefix("ui", () -> get(() -> concat(
        // relative, so that the browser resolves assets under the page's own directory
        pathEnd(() -> redirect(Uri.create("ui/"), StatusCodes.FOUND)),
        pathSingleSlash(() -> getFromResource(RESOURCES + "/index.html")),
        getFromResourceDirectory(RESOURCES))));
  }
}
