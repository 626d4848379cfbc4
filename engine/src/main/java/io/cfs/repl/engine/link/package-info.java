/**
 * What is known about the link to one peer site, shared by the replicator that runs it, the metrics that report it
 * and the admin routes that show it: its {@link io.cfs.repl.engine.link.LinkState state} and the peer's
 * {@link io.cfs.repl.engine.link.ClockOffset clock offset}. It depends on nothing else in the engine, so the metrics
 * interface can name a link's state without depending on the replicator, which reports through it.
 */
package io.cfs.repl.engine.link;
