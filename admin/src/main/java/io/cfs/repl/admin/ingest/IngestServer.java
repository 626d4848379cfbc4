package io.cfs.repl.admin.ingest;

import io.cfs.repl.persistence.journal.LocalJournal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
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

  /** Binds the listener; the stage completes once it accepts connections. */
  public static CompletionStage<IngestServer> start(ActorSystem<?> system, LocalJournal journal,
                                                    IngestSettings settings) {
    Ingestor ingestor = new Ingestor(journal, settings);
    IngestStream stream = new IngestStream(ingestor, settings, Materializer.matFromSystem(system));
    return Http.get(system).newServerAt(settings.host(), settings.port())
        .bind(new IngestRoutes(ingestor, stream, settings, system).route())
        .thenApply(binding -> {
          IngestServer server = new IngestServer(binding);
          CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "cfs-ingest-stop",
              server::stop);
          log.info("Ingest for site {} listening on {} ({})", journal.localSite(), binding.localAddress(), settings);
          return server;
        });
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
