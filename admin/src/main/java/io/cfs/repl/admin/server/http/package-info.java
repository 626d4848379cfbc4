/**
 * The admin routes on Pekko Management's HTTP server ({@code /replication/*}, {@code /store/*}): their JSON bodies,
 * the health rules and {@code cfs-repl.admin} settings.
 */
package io.cfs.repl.admin.server.http;
