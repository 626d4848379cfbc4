package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code POST /replication/verify} body: {@code {"peer": "site-b", "repair": false}}; repair defaults to false.
 * Anything else is refused with the reason.
 */
public record VerifyRequest(String peer, boolean repair) {

  public static VerifyRequest parse(String body) {
    JsonNode json = Json.requestObject(body, "{\"peer\": \"site-b\", \"repair\": false}", Set.of("peer", "repair"));
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
