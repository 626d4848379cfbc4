package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /replication/verify} body: {@code {"peer": "site-b", "repair": false}}; repair defaults to false.
 * Anything else is refused with the reason.
 */
public record VerifyRequest(String peer, boolean repair) {
  private static final Set<String> FIELDS = Set.of("peer", "repair");

  public static VerifyRequest parse(String body) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(
          "body must be a JSON object such as {\"peer\": \"site-b\", \"repair\": false}");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) throw new IllegalArgumentException("unknown field \"" + name + "\" (peer, repair)");
    }
    JsonNode peer = json.get("peer");
    if (peer == null || !peer.isTextual() || peer.asText().isBlank()) {
      throw new IllegalArgumentException("peer must name a peer site");
    }
    JsonNode repair = json.get("repair");
    if (repair != null && !repair.isBoolean()) {
      throw new IllegalArgumentException("repair must be true or false, was " + repair);
    }
    return new VerifyRequest(peer.asText(), repair != null && repair.booleanValue());
  }
}
