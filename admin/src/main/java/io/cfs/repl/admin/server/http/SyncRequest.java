package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code POST /replication/sync} body: {@code {"force": true}} or {@code {"force": false}}; an empty body means
 * {@code {"force": false}}. Anything else is refused with the reason.
 */
public record SyncRequest(boolean force) {

  public static SyncRequest parse(String body) {
    if (body == null || body.isBlank()) return new SyncRequest(false);
    JsonNode json = Json.requestObject(body, "{\"force\": true}", Set.of("force"));
    JsonNode force = json.get("force");
    if (force == null) return new SyncRequest(false);
    if (!force.isBoolean()) throw new IllegalArgumentException("force must be true or false, was " + force);
    return new SyncRequest(force.booleanValue());
  }
}
