/**
 * Synthetic workloads: the one entry generator, its in-process driver, latency histograms, and the history file of
 * acknowledged entries that {@code cfs load} writes and {@code cfs check} reads.
 */
package io.cfs.repl.admin.tools.workload;
