package io.cfs.repl.it.client;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A subscription to {@code GET /journal/conflicts} (server-sent events) on a node's ingest listener, read on the HTTP
 * client's threads into a list the test polls: {@link #conflicts()} grows as events arrive, {@link #close()} cancels
 * the body (the stream never ends on its own). Parses the SSE fields a conflict event uses ({@code id}, {@code event},
 * {@code data}; comment lines, the keep-alives, are skipped).
 */
public final class ConflictStream implements AutoCloseable {
  /** One event as received. */
  public record Event(String type, String id, String data) {
  }

  private final String node;
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final List<Event> events = new ArrayList<>();
  private final Lines lines = new Lines();
  private volatile Throwable ended;

  private ConflictStream(String node) {
    this.node = node;
  }

  /**
   * Opens the stream after {@code after} (the query parameter), or, when {@code lastEventId} is not null, with that
   * {@code Last-Event-ID} header (a resuming EventSource), and waits for the answer's status: fails unless it is 200.
   */
  static ConflictStream open(String node, URI base, long after, String lastEventId) {
    ConflictStream stream = new ConflictStream(node);
    // no request timeout: the body never ends; the wait for the status below bounds the opening
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/journal/conflicts?after=" + after))
        .header("Accept", "text/event-stream").GET();
    if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
    Http.CLIENT.sendAsync(request.build(), info -> {
      stream.status.complete(info.statusCode());
      return HttpResponse.BodySubscribers.fromLineSubscriber(stream.lines);
    }).whenComplete((r, failure) -> {
      if (failure != null) {
        stream.status.completeExceptionally(failure);
        stream.ended = failure;
      }
    });
    int code = stream.status.orTimeout(10, TimeUnit.SECONDS).join();
    if (code != 200) {
      stream.close();
      throw new IllegalStateException(node + ": GET /journal/conflicts answered " + code);
    }
    return stream;
  }

  /** The events received so far, in order. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The {@code conflict} events received so far, in order, their data read; fails if the stream ended. */
  public List<StreamedConflict> conflicts() {
    Throwable t = ended;
    if (t != null) throw new IllegalStateException(node + ": the conflict stream ended: " + t, t);
    List<StreamedConflict> out = new ArrayList<>();
    for (Event e : events()) {
      if (!"conflict".equals(e.type())) {
        throw new IllegalStateException(node + ": unexpected event " + e.type() + ": " + Json.abbreviate(e.data()));
      }
      StreamedConflict c = Json.read(e.data(), StreamedConflict.class);
      if (!Long.toString(c.id()).equals(e.id())) {
        throw new IllegalStateException(node + ": event id " + e.id() + " carries conflict " + c.id());
      }
      out.add(c);
    }
    return out;
  }

  /** Waits until at least {@code n} conflict events arrived, and answers those received by then. */
  public List<StreamedConflict> awaitConflicts(int n, Duration timeout) {
    await(node + " streams " + n + " conflicts").atMost(timeout).pollInterval(Duration.ofMillis(100))
        .until(() -> conflicts().size() >= n);
    return conflicts();
  }

  private synchronized void add(Event e) {
    events.add(e);
  }

  @Override
  public void close() {
    lines.cancel();
  }

  /** The SSE parser: fields accumulate until a blank line dispatches the event. */
  private final class Lines implements Flow.Subscriber<String> {
    private Flow.Subscription subscription;
    private volatile boolean cancelled;
    private String type;
    private String id;
    private StringBuilder data;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      synchronized (this) {
        subscription = s;
        if (cancelled) {
          s.cancel();
          return;
        }
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.isEmpty()) {
        if (data != null) add(new Event(type == null ? "message" : type, id, data.toString()));
        type = null;
        id = null;
        data = null;
        return;
      }
      if (line.startsWith(":")) return; // a comment: the keep-alive
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "event" -> type = value;
        case "id" -> id = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { } // retry and unknown fields: not used by this stream
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!cancelled) ended = t;
    }

    @Override
    public void onComplete() {
      if (!cancelled) ended = new IllegalStateException("the server ended the stream");
    }

    synchronized void cancel() {
      cancelled = true;
      if (subscription != null) subscription.cancel();
    }
  }
}
