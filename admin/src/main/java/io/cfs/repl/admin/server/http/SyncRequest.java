package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/**
 * {@code POST /replication/sync} body: {@code {"force": true}} or {@code {"force": false}}; an empty body means
 * {@code {"force": false}}. Anything else is refused with the reason.
 */
public record SyncRequest(boolean force) {

  public static SyncRequest parse(String body) {
    if (body == null || body.isBlank()) return new SyncRequest(false);
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object such as {\"force\": true}");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("force")) throw new IllegalArgumentException("unknown field \"" + name + "\" (only force)");
    }
    JsonNode force = json.get("force");
    if (force == null) return new SyncRequest(false);
    if (!force.isBoolean()) throw new IllegalArgumentException("force must be true or false, was " + force);
    return new SyncRequest(force.booleanValue());
  }
}
