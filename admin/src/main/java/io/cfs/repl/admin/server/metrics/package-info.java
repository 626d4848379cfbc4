/** Kamon metrics with their Prometheus scrape endpoint, and the cross-site tracing of batches. */
package io.cfs.repl.admin.server.metrics;
