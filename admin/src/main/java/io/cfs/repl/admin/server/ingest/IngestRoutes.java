package io.cfs.repl.admin.server.ingest;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleWebSocketMessages;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.cfs.repl.admin.server.auth.BearerToken;
import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.admin.wire.IngestResponse;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * The ingest routes: {@code POST /journal/entries}, {@code GET /journal/stream} (WebSocket),
 * {@code GET /journal/heads} and {@code GET /journal/conflicts} (server-sent events, {@link ConflictEvents}), all behind the bearer token when one is configured. Every refusal is a typed JSON
 * {@link io.cfs.repl.admin.wire.IngestError}, changes nothing, and is logged at WARN.
 */
final class IngestRoutes {
  private static final String POST_ENTRIES = "POST /journal/entries";
  private static final long RETRY_AFTER_SECONDS = 1;
  private static final String REALM = "cfs-repl ingest";
  private static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(IngestJson.MAPPER);

  private final Ingestor ingestor;
  private final IngestStream stream;
  private final IngestSettings settings;
  private final ClassicActorSystemProvider system;
  private final AppendPermits appendsInFlight;
  private final BearerToken token;
  private final ConflictEvents conflicts;

  IngestRoutes(Ingestor ingestor, IngestStream stream, ConflictEvents conflicts, IngestSettings settings,
               ClassicActorSystemProvider system) {
    this.conflicts = conflicts;
    this.ingestor = ingestor;
    this.stream = stream;
    this.settings = settings;
    this.system = system;
    this.appendsInFlight = new AppendPermits(settings.maxInFlightAppends());
    this.token = new BearerToken(settings.token());
  }

  Route route() {
    return authorized(() -> pathPrefix("journal", () -> concat(
        path("entries", () -> post(this::postEntries)),
        path("stream", () -> get(() -> handleWebSocketMessages(stream.flow()))),
        path("heads", () -> get(() -> onSuccess(ingestor.heads(),
            heads -> complete(StatusCodes.OK, new TreeMap<>(heads), JSON)))),
        path("conflicts", () -> get(this::conflictEvents)))));
  }

  private Route conflictEvents() {
    return optionalHeaderValueByName("Last-Event-ID", lastEventId -> parameterOptional("after", after -> {
      long start;
      try {
        start = ConflictEvents.startAfter(lastEventId, after);
      } catch (IngestRejection malformed) {
        return refuse(malformed, "GET /journal/conflicts");
      }
      return completeOK(conflicts.events(start), EventStreamMarshalling.toEventStream());
    }));
  }

  /** No configured token means no authentication, which reference.conf allows only on a loopback listener. */
  private Route authorized(Supplier<Route> inner) {
    if (!token.configured()) return inner.get();
    return token.require(REALM, inner, verdict -> refuse(new IngestRejection(401, "UNAUTHORIZED", null, null,
        verdict == BearerToken.Verdict.MISSING ? "Authorization: Bearer <token> is required" : "wrong bearer token"),
        "request"));
  }

  /**
   * Reads the whole body (bounded by max-request-bytes and body-read-timeout) before taking an append permit: the
   * permits bound journal work, so a slow sender costs a connection, never another client's append.
   */
  private Route postEntries() {
    return extractRequestEntity(entity -> {
      Optional<BatchFormat> format = BatchFormat.of(entity.getContentType().mediaType());
      if (format.isEmpty()) {
        return refuse(new IngestRejection(415, "UNSUPPORTED_MEDIA_TYPE", null, null, "Content-Type "
            + entity.getContentType() + "; use application/json or " + BinaryBatch.MEDIA_TYPE), POST_ENTRIES);
      }
      if (entity.getContentLengthOption().orElse(0) > settings.maxRequestBytes()) {
        return refuse(IngestRejection.requestTooLarge(settings.maxRequestBytes()), POST_ENTRIES);
      }
      CompletionStage<IngestResponse> done = readBody(entity).thenCompose(body -> appendsInFlight
          .take(settings.appendQueueTimeout())
          .exceptionally(noPermit -> {
            throw IngestRejection.busy(settings.maxInFlightAppends(), RETRY_AFTER_SECONDS);
          })
          .thenCompose(permit -> {
            CompletionStage<IngestResponse> appended;
            try {
              appended = ingestor.ingest(body, format.get());
            } catch (RuntimeException failure) {
              appendsInFlight.give();
              throw failure;
            }
            appended.whenComplete((response, failure) -> appendsInFlight.give());
            return appended;
          }));
      return onComplete(done, result -> result.isSuccess()
          ? complete(StatusCodes.OK, result.get(), JSON)
          : refuse(Ingestor.rejection(result.failed().get()), POST_ENTRIES));
    });
  }

  private CompletionStage<ByteString> readBody(RequestEntity entity) {
    int max = settings.maxRequestBytes();
    // withSizeLimit replaces the server-wide max-content-length, so max-request-bytes is the one bound that applies.
    return entity.withSizeLimit(max).toStrict(settings.bodyReadTimeout().toMillis(), max, system)
        .thenApply(HttpEntity.Strict::getData)
        .exceptionally(failure -> {
          Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof java.util.concurrent.TimeoutException) {
            throw IngestRejection.requestTimeout(settings.bodyReadTimeout());
          }
          throw cause instanceof RuntimeException e ? e : new java.util.concurrent.CompletionException(cause);
        });
  }

  private Route refuse(IngestRejection rejection, String where) {
    ingestor.logRejected(rejection, where);
    return complete(response(rejection));
  }

  /** The typed JSON answer of a refusal (with Retry-After when retrying may succeed). */
  static HttpResponse response(IngestRejection rejection) {
    HttpResponse response = HttpResponse.create()
        .withStatus(rejection.status())
        .withEntity(ContentTypes.APPLICATION_JSON, IngestJson.write(rejection.body(null)));
    if (rejection.retryable()) response = response.addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
    return response;
  }
}
