/**
 * The pure decision core of failover between sites in active-passive mode: no actors, no I/O, no clock reads (time
 * is an argument). The SplitBrainResolver actor will feed it messages, ticks and operator commands, persist what it
 * says to persist and send what it says to send, in the order given.
 *
 * <p>The protocol, Raft-like with epochs as terms:
 * <ul>
 *   <li>Voters are the data sites plus an optional witness. Each keeps (epoch won, vote epoch, voted for) durably;
 *       {@link io.cfs.repl.engine.failover.Voter} states the vote rule and why it fences.</li>
 *   <li>A secondary that has not heard its primary for {@code down-after} (plus a random delay) runs for an epoch
 *       above any it has seen voted in, and is promoted with grants from a strict majority of all configured
 *       voters. The promotion is persisted before the site acts as primary.</li>
 *   <li>Every message carries the sender's view (epoch, primary, role, vote epoch); a higher epoch is adopted at
 *       once and demotes. A failed candidacy raises only the vote epoch, which does not demote anyone: a secondary
 *       cut off alone cannot disturb a healthy primary.</li>
 *   <li>The primary writes only while it holds a lease: echoes of its own heartbeats, sent less than
 *       {@code lease-timeout} ago, from a majority (itself counted). {@code lease-timeout < down-after}, so a cut-off
 *       primary stops writing before the voters that backed it may vote for anyone else.</li>
 *   <li>Planned switchover: the primary stops writes, waits until the target holds everything, persists its
 *       step-down and hands over; the target runs at once and voters need not wait for the old primary. Forced:
 *       the target runs at once, the primary steps down when asked, voters wait only for the old lease.</li>
 *   <li>Two sites and no witness: no automatic failover (see
 *       {@link io.cfs.repl.engine.failover.FailoverSettings#autoFailover()}). An operator's forced failover to the
 *       survivor counts as the dead site's vote once the survivor has not heard the old primary for lease-timeout;
 *       the survivor then writes alone until the other site rejoins and echoes it (then the usual lease rule).</li>
 * </ul>
 */
package io.cfs.repl.engine.failover;
