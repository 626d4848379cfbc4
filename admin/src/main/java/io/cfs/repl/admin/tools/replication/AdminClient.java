package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cfs.repl.admin.tools.https.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A node's admin HTTP API as the CLI uses it: one request, one answer, short timeouts. */
final class AdminClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: its status and body (parsed when it is JSON, else null). */
  record Answer(int status, String body, JsonNode json) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The refusal's message, or the raw body. */
    String message() {
      return json != null && json.hasNonNull("message") ? json.get("message").asText() : body.strip();
    }
  }

  /** The node could not be reached or did not answer in time. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(URI uri, Exception cause) {
      super("cannot reach the admin API at " + uri + ": " + cause, cause);
    }
  }

  private final HttpClient http;
  private final URI base;

  /** @param cacert the CA an https node's certificate must chain to; null for the JDK's */
  AdminClient(URI base, Path cacert) {
    this.base = base;
    this.http = HttpClients.builder(cacert).connectTimeout(TIMEOUT).build();
  }

  Answer get(String path) throws Unreachable {
    return send(HttpRequest.newBuilder(resolve(path)).GET(), null);
  }

  Answer post(String path, String jsonBody, String token) throws Unreachable {
    HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
    return send(request, token);
  }

  private URI resolve(String path) {
    String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
        : base.toString();
    return URI.create(root + path);
  }

  private Answer send(HttpRequest.Builder request, String token) throws Unreachable {
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpRequest built = request.timeout(TIMEOUT).build();
    try {
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), parse(response));
    } catch (IOException e) {
      throw new Unreachable(built.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(built.uri(), e);
    }
  }

  private static JsonNode parse(HttpResponse<String> response) {
    boolean json = response.headers().firstValue("Content-Type").map(t -> t.startsWith("application/json"))
        .orElse(false);
    if (!json) return null;
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      return null;
    }
  }
}
