/**
 * The {@code cfs} command line: the root command and the {@code cfs admin} group. Each verb lives in the package
 * named after it: {@code cfs node} in {@link io.cfs.repl.admin.server.node}, the client tools in
 * {@code io.cfs.repl.admin.tools.*}.
 */
package io.cfs.repl.admin.cli;
