package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.admin.wire.ConflictEvent;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.engine.conflict.ConflictsCollectedException;
import io.cfs.repl.persistence.store.WriteConflict;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /journal/conflicts?after=ID}: the site's write conflicts as server-sent events, at least once and in id
 * order, each event's {@code id} the conflict's id; the stream starts after {@code Last-Event-ID} when the client
 * sends one (an EventSource reconnecting), else after {@code after} (default 0: from the oldest held). It never ends
 * on its own; a comment line every {@value #KEEP_ALIVE_SECONDS} s keeps idle proxies from closing it. When retention
 * has collected conflicts the client would need, it gets one {@value #COLLECTED} event naming the oldest held, and
 * the stream ends: it never skips one silently.
 */
final class ConflictEvents {
  static final String EVENT = "conflict";
  static final String COLLECTED = "collected";
  static final long KEEP_ALIVE_SECONDS = 15;

  private final String site;
  private final LongFunction<Source<WriteConflict, NotUsed>> conflicts;

  ConflictEvents(String site, LongFunction<Source<WriteConflict, NotUsed>> conflicts) {
    this.site = site;
    this.conflicts = conflicts;
  }

  /** The id to start after: Last-Event-ID wins over the query; a value that is not an id >= 0 is refused. */
  static long startAfter(Optional<String> lastEventId, Optional<String> after) {
    Optional<String> given = lastEventId.isPresent() ? lastEventId : after;
    if (given.isEmpty()) return 0;
    try {
      long id = Long.parseLong(given.get().trim());
      if (id >= 0) return id;
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw new IngestRejection(400, "MALFORMED", null, null, (lastEventId.isPresent() ? "Last-Event-ID" : "after")
        + " must be a conflict id (an integer >= 0), was '" + given.get() + "'");
  }

  Source<ServerSentEvent, NotUsed> events(long after) {
    return conflicts.apply(after)
        .map(c -> ServerSentEvent.create(IngestJson.text(ConflictEvent.of(site, c)), Optional.of(EVENT),
            Optional.of(Long.toString(c.id())), OptionalInt.empty()))
        .keepAlive(Duration.ofSeconds(KEEP_ALIVE_SECONDS), ServerSentEvent::heartbeat)
        .recover(new PFBuilder<Throwable, ServerSentEvent>()
            .match(ConflictsCollectedException.class, collected -> ServerSentEvent.create(
                IngestJson.text(Map.of("error", "CONFLICTS_COLLECTED", "after", collected.after(),
                    "oldestHeld", collected.oldestHeld(), "message", collected.getMessage())),
                Optional.of(COLLECTED), Optional.empty(), OptionalInt.empty()))
            .build());
  }
}
