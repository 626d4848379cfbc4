/**
 * {@code cfs node}: runs one node of a site: the replication engine with its admin routes, its ingest listener and
 * its metrics. The only place the server side is put together.
 */
package io.cfs.repl.admin.server.node;
