/**
 * A TCP proxy with switchable network faults (cut, blackhole, delay, throttle, dropped connections), for the
 * it-tests harness and for {@code cfs bench}.
 */
package io.cfs.repl.admin.tools.proxy;
