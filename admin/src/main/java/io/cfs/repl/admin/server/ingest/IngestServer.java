package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.WriteConflict;
import java.util.function.LongFunction;
import org.apache.pekko.stream.javadsl.Source;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.ActorMaterializer;
import org.apache.pekko.stream.ActorMaterializerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamSubscriptionTimeoutSettings;
import org.apache.pekko.stream.StreamSubscriptionTimeoutTerminationMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest listener of a node: its own Pekko HTTP server (not the admin one), so that the data plane and the
 * admin plane bind, authenticate and scale separately. It stops with the actor system (coordinated shutdown,
 * before the node closes its journal) or by {@link #close}.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
  /** In-flight appends finish within a group commit; this only bounds a stuck one. */
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);

  private final ServerBinding binding;
  private CompletionStage<Done> stopped; // guarded by this

  private IngestServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the listener; the stage completes once it accepts connections. {@code conflicts} streams the site's write
   * conflicts after an id ({@link io.cfs.repl.engine.node.ReplicationNode#conflicts}); {@code ages} hears of every
   * batch decoded and made durable ({@link io.cfs.repl.engine.metrics.EntryStage}).
   */
  public static CompletionStage<IngestServer> start(ActorSystem<?> system, LocalJournal journal,
                                                    LongFunction<Source<WriteConflict, NotUsed>> conflicts,
                                                    Executor storageExecutor, IngestSettings settings,
                                                    ReplicationMetrics metrics, EntryAges ages) {
    Ingestor ingestor = new Ingestor(journal, storageExecutor, settings, metrics, ages);
    IngestStream stream = new IngestStream(ingestor, settings);
    ConflictEvents conflictEvents = new ConflictEvents(journal.localSite(), conflicts);
    Flow<HttpRequest, HttpResponse, NotUsed> routes = new IngestRoutes(ingestor, stream, conflictEvents, settings,
        system).route().flow(system);
    ServerBuilder listener = Http.get(system).newServerAt(settings.host(), settings.port());
    if (settings.https().enabled()) listener = listener.enableHttps(settings.https().context());
    // Lives as long as the actor system, like the system's own: stop() unbinds, but the connections it served may
    // still be finishing their requests (Pekko HTTP does not track a connectionSource's connections for terminate).
    Materializer materializer = ingestMaterializer(system);
    ConnectionLimit limit = new ConnectionLimit(settings.maxConnections(), ingestor, routes, materializer);
    CompletionStage<ServerBinding> bound;
    try {
      bound = listener.connectionSource().to(Sink.foreach(limit::accept)).run(materializer);
    } catch (RuntimeException e) {
      materializer.shutdown();
      throw e;
    }
    return bound
        .thenApply(binding -> {
          IngestServer server = new IngestServer(binding);
          CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "cfs-ingest-stop",
              server::stop);
          log.info("Ingest for site {} listening on {} ({}, {})", journal.localSite(), binding.localAddress(),
              settings.https().scheme(), settings);
          return server;
        })
        .whenComplete((server, failure) -> {
          if (failure != null) materializer.shutdown(); // not bound: no connection uses it
        });
  }

  /**
   * The system's materializer, but for one setting. A stream socket's next messages wait, their data unread, while the
   * journal is slow (the appends in flight are the stream's limit), and Pekko cancels a message nobody reads within
   * the subscription timeout (5 s): the batch was refused, and the client's stream ended, whenever the journal stalled
   * that long (RocksDB stopping writes while its flushes caught up, on a saturated node). The ingest reads every
   * message to its end once it gets to it, so none is left unread for good: here a message waits as long as the
   * journal takes. Pekko HTTP materializes a WebSocket's messages with the connection's materializer, not with the
   * attributes of the connection's graph, so the setting is the materializer's.
   */
  @SuppressWarnings("deprecation") // ActorMaterializerSettings is the only way to set a materializer's defaults
  private static Materializer ingestMaterializer(ActorSystem<?> system) {
    ActorMaterializerSettings defaults = ActorMaterializerSettings.create(system.classicSystem());
    // the timer still runs (per message, cancelled when it is read); noop makes its expiry do nothing
    ActorMaterializerSettings settings = defaults.withSubscriptionTimeoutSettings(StreamSubscriptionTimeoutSettings
        .create(StreamSubscriptionTimeoutTerminationMode.noop(), defaults.subscriptionTimeoutSettings().timeout()));
    return ActorMaterializer.create(settings, system.classicSystem());
  }

  /**
   * Serves at most {@code max} connections at once; one more gets a typed 503 TOO_MANY_CONNECTIONS to its first
   * request and is closed, so slow or idle clients cannot take every socket and buffer of the node.
   */
  private static final class ConnectionLimit {
    /** How long a refused connection may stay open waiting for its first request. */
    private static final Duration REFUSED_LINGER = Duration.ofSeconds(2);
    private final int max;
    private final Ingestor ingestor;
    private final Flow<HttpRequest, HttpResponse, NotUsed> routes;
    private final Materializer materializer;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, Ingestor ingestor, Flow<HttpRequest, HttpResponse, NotUsed> routes,
                    Materializer materializer) {
      this.max = max;
      this.ingestor = ingestor;
      this.routes = routes;
      this.materializer = materializer;
    }

    void accept(IncomingConnection connection) {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        IngestRejection refused = IngestRejection.tooManyConnections(max);
        // answered on its first request, and closed then or after REFUSED_LINGER, whichever comes first
        connection.handleWith(Flow.of(HttpRequest.class).take(1).map(request -> {
          request.discardEntityBytes(materializer);
          ingestor.logRejected(refused, "connection from " + connection.remoteAddress());
          return IngestRoutes.response(refused).addHeader(Connection.create("close"));
        }).completionTimeout(REFUSED_LINGER), materializer);
        return;
      }
      connection.handleWith(routes.watchTermination((notUsed, done) -> {
        done.whenComplete((ok, failure) -> open.decrementAndGet());
        return notUsed;
      }), materializer);
    }
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return binding.localAddress().getPort();
  }

  /**
   * Stops accepting, lets requests in flight finish within a deadline, then closes the connections. Idempotent:
   * both {@link #close} and the actor system's coordinated shutdown call it.
   */
  public synchronized CompletionStage<Done> stop() {
    if (stopped == null) stopped = binding.terminate(STOP_DEADLINE).thenApply(terminated -> Done.done());
    return stopped;
  }

  @Override
  public void close() {
    try {
      stop().toCompletableFuture().get(STOP_DEADLINE.toSeconds() + 1, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Ingest listener on {} did not stop cleanly: {}", binding.localAddress(), e.toString());
    }
  }
}
