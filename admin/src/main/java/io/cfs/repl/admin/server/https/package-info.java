/** HTTPS of the node's HTTP listeners (ingest, admin), from the same PEM files as the site links by default. */
package io.cfs.repl.admin.server.https;
