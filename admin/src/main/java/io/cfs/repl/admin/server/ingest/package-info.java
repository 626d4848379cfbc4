/**
 * The ingest listener of a node: {@code POST /journal/entries}, the {@code /journal/stream} WebSocket and
 * {@code GET /journal/heads}, with their limits, append permits and typed refusals ({@code cfs-repl.ingest}).
 */
package io.cfs.repl.admin.server.ingest;
