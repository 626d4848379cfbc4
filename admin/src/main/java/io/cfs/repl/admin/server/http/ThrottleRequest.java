package io.cfs.repl.admin.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code POST|PUT /replication/peers/{peer}/throttle} body: {@code {"bytesPerSecond": N}} with N a whole number of
 * bytes per second, {@code 0} or {@code null} to lift the throttle. Anything else is refused with the reason, before
 * anything changes.
 */
public record ThrottleRequest(long bytesPerSecond) {

  public static ThrottleRequest parse(String body) {
    JsonNode json = Json.requestObject(body, "{\"bytesPerSecond\": 2097152}", Set.of("bytesPerSecond"));
    if (!json.has("bytesPerSecond")) {
      throw new IllegalArgumentException("bytesPerSecond is required (0 or null lifts the throttle)");
    }
    JsonNode rate = json.get("bytesPerSecond");
    if (rate.isNull()) return new ThrottleRequest(0);
    if (!rate.isIntegralNumber() || !rate.canConvertToLong()) {
      throw new IllegalArgumentException("bytesPerSecond must be a whole number of bytes per second, was " + rate);
    }
    if (rate.longValue() < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative (0 or null lifts the throttle), was "
          + rate);
    }
    return new ThrottleRequest(rate.longValue());
  }
}
