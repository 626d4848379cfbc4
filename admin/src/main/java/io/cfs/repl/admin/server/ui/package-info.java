/** The live status page on the admin HTTP server: static assets from the jar, fed by the status event stream. */
package io.cfs.repl.admin.server.ui;
