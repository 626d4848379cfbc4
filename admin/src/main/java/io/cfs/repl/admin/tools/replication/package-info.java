/** {@code cfs admin replication}: the command-line client of a node's admin API (status, lag, health, pause, sync). */
package io.cfs.repl.admin.tools.replication;
