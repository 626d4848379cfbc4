/**
 * {@code cfs check} and the convergence checker it shares with the multi-process tests: sites against the entries
 * writers saw acknowledged.
 */
package io.cfs.repl.admin.tools.check;
