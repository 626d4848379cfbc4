package io.cfs.repl.admin.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeOK;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cfs.repl.engine.node.ReplicationNode;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /replication/events}: server-sent events, a {@link StatusEvent} of every link each
 * {@code cfs-repl.admin.events.interval}. A read like {@code GET /replication/status}, so, like it, open without a
 * token.
 *
 * <p>What one open stream costs: one status ask of the replicators per interval, never more than one in flight (a
 * tick arriving while an ask is pending is dropped, so a slow node sends less often rather than queueing asks), and
 * nothing once its client is gone: the client's disconnect cancels the stream, and with it the ticks.
 */
final class StatusEvents {
  /** Named so that a browser's EventSource does not take it for its own connection "error" event. */
  static final String UNAVAILABLE = "unavailable";
  /** How soon a browser reconnects after the stream ended (a node restarting): sent with every event. */
  private static final int RETRY_MILLIS = 1_000;
  private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  private enum Tick { INSTANCE }

  private final AdminSettings admin;

  StatusEvents(AdminSettings admin) {
    this.admin = admin;
  }

  Route stream(ReplicationNode node) {
    return completeOK(events(() -> StatusSource.linksOnly(node, admin), admin.eventInterval()),
        EventStreamMarshalling.toEventStream());
  }

  /** A status event per {@code interval}, the first at once; an ask that failed sends an {@value #UNAVAILABLE}. */
  static Source<ServerSentEvent, NotUsed> events(Supplier<CompletionStage<StatusView>> status, Duration interval) {
    return Source.tick(Duration.ZERO, interval, Tick.INSTANCE)
        .mapAsync(1, tick -> status.get().handle((view, failure) -> failure == null ? event(view)
            : unavailable(failure)))
        .mapMaterializedValue(cancellable -> NotUsed.getInstance());
  }

  private static ServerSentEvent event(StatusView view) {
    return ServerSentEvent.create(json(StatusEvent.of(view)), Optional.empty(), Optional.empty(),
        OptionalInt.of(RETRY_MILLIS));
  }

  private static ServerSentEvent unavailable(Throwable failure) {
    return ServerSentEvent.create(json(new ErrorView("UNAVAILABLE", "the replicators did not answer: " + failure)),
        Optional.of(UNAVAILABLE), Optional.empty(), OptionalInt.of(RETRY_MILLIS));
  }

  /** Records of plain fields always render; a failure here is a bug, and ends the stream (the client reconnects). */
  private static String json(Object body) {
    try {
      return COMPACT.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + body.getClass().getSimpleName(), e);
    }
  }
}
