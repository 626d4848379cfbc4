/**
 * What travels on the ingest API: the JSON and binary batch layouts, the answer and the typed refusals. Shared by the
 * listener ({@link io.cfs.repl.admin.server.ingest}) and the clients that write to it
 * ({@link io.cfs.repl.admin.tools.load}); depends on neither.
 */
package io.cfs.repl.admin.wire;
