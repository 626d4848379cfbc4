/** {@code cfs bench}: replication from one site to another in one JVM, with throughput, lag, CPU and memory. */
package io.cfs.repl.admin.tools.bench;
