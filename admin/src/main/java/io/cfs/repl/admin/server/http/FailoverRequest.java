package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code POST /replication/failover} body: {@code {"to": "site-b"}} (planned switchover, sent to the primary) or
 * {@code {"to": "site-b", "force": true}} (forced failover, sent to the target). Anything else is refused with the
 * reason.
 */
public record FailoverRequest(String to, boolean force) {
  private static final Set<String> FIELDS = Set.of("to", "force");

  public static FailoverRequest parse(String body) {
    JsonNode json = Json.requestObject(body, "{\"to\": \"site-b\", \"force\": false}", FIELDS);
    JsonNode to = json.get("to");
    if (to == null || !to.isTextual() || to.asText().isBlank()) {
      throw new IllegalArgumentException("to must name the site to fail over to");
    }
    JsonNode force = json.get("force");
    if (force != null && !force.isBoolean()) throw new IllegalArgumentException("force must be true or false");
    return new FailoverRequest(to.asText(), force != null && force.booleanValue());
  }
}
