package io.cfs.repl.admin.server.http;

/**
 * Body of every refusal of the replication routes.
 *
 * @param error a stable code: UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, UNKNOWN_PEER, UNAVAILABLE
 * @param message what went wrong, for a person
 */
public record ErrorView(String error, String message) {
}
