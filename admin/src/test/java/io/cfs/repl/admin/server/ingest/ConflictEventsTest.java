package io.cfs.repl.admin.server.ingest;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /journal/conflicts}: the site's write conflicts as server-sent events, each with its id, from an id on
 * ({@code after}, or {@code Last-Event-ID} as a reconnecting EventSource sends it). The conflicts are written straight
 * into the node's store, as another node of the site would: the stream finds them by polling.
 */
class ConflictEventsTest {
  private static final long INODE = 9_000_000;
  @TempDir
  static Path dir;
  static IngestTestNode node;
  static URI ingest;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = IngestTestNode.start(dir);
    ingest = node.listen(Map.of());
    for (int i = 1; i <= 3; i++) {
      node.node.store().apply("site-b", List.of(write("site-b", i, 10, INODE + i)));
      node.node.store().apply("site-c", List.of(write("site-c", i, 20, INODE + i))); // had not seen b's: conflict
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void everyConflictIsSentWithItsIdAndTheStreamResumesAfterTheLastEventId() throws Exception {
    List<Event> all = read(request("/journal/conflicts"), 3);
    assertThat(all).extracting(Event::id).containsExactly("1", "2", "3");
    assertThat(all).extracting(Event::type).containsOnly("conflict");
    JsonNode first = json(all.get(0).data());
    assertThat(first.path("id").asLong()).isEqualTo(1);
    assertThat(first.path("site").asText()).isEqualTo(IngestTestNode.SITE);
    assertThat(first.path("inode").asLong()).isEqualTo(INODE + 1);
    assertThat(first.path("local").path("site").asText()).isEqualTo("site-b");
    assertThat(first.path("remote").path("hlc").asLong()).isEqualTo(20);
    assertThat(first.path("winner").asText()).isEqualTo("remote");
    assertThat(first.path("concurrent").asBoolean()).isTrue();
    assertThat(first.path("remoteSeen").path("site-c").asLong()).isEqualTo(1);

    assertThat(read(request("/journal/conflicts?after=1"), 2)).extracting(Event::id).containsExactly("2", "3");
    assertThat(read(request("/journal/conflicts?after=0").header("Last-Event-ID", "2"), 1))
        .extracting(Event::id).containsExactly("3");
  }

  @Test
  void anAfterThatIsNotAnIdIsRefusedWithATypedError() throws Exception {
    HttpResponse<String> refused = node.get(ingest, "/journal/conflicts?after=-4", null);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("error").asText()).isEqualTo("MALFORMED");
    assertThat(json(refused.body()).path("message").asText()).contains("after");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(ingest.resolve(path)).header("Accept", "text/event-stream").GET();
  }

  private record Event(String id, String type, String data) {
  }

  /** Reads events until {@code count} arrived (or 10 s passed), then closes the stream. */
  private List<Event> read(HttpRequest.Builder request, int count) throws Exception {
    HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    try (Stream<String> lines = response.body()) {
      return CompletableFuture.supplyAsync(() -> {
        List<Event> events = new ArrayList<>();
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        Iterator<String> it = lines.iterator();
        while (events.size() < count && it.hasNext()) {
          String line = it.next();
          if (line.startsWith("id:")) id = line.substring(3).trim();
          else if (line.startsWith("event:")) type = line.substring(6).trim();
          else if (line.startsWith("data:")) data.append(line.substring(5).trim());
          else if (line.isEmpty() && data.length() > 0) {
            events.add(new Event(id, type, data.toString()));
            data.setLength(0);
          }
        }
        return events;
      }).get(10, TimeUnit.SECONDS);
    }
  }

  private static JournalEntry write(String site, long seq, long hlc, long inode) {
    return JournalEntry.of(site, 0, seq, hlc, Op.WRITE, inode, 1, (site + " " + seq).getBytes(StandardCharsets.UTF_8));
  }
}
