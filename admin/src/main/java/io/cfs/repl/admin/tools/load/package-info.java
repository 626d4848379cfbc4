/**
 * {@code cfs load}: writes entries through a node's ingest listener as a metadata service in another process would
 * (binary WebSocket stream or JSON POST).
 */
package io.cfs.repl.admin.tools.load;
