/**
 * The site's hybrid logical clock: it observes every hlc the site takes in (its writers' appends, its peers'
 * batches), and every append answers with it, so that a writer which read a replicated value and then writes stamps
 * a greater hlc than that value.
 */
package io.cfs.repl.engine.clock;
