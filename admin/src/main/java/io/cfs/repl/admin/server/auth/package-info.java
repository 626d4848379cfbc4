/** The bearer-token check that the admin routes and the ingest listener both use. */
package io.cfs.repl.admin.server.auth;
