package io.cfs.repl.engine.failover;

/**
 * What the site's SplitBrainResolver tells every node of its site, each tick and on every change: whether the site
 * may take writes, until when, and in which epoch. A node's {@link PermitGate} refuses appends once a permit runs out,
 * so a resolver that dies or is cut off from its nodes stops the site's writes within {@code validUntilMillis}.
 *
 * @param site the site
 * @param epoch the epoch appends are stamped with
 * @param primary the primary of {@code epoch}, null if none is known
 * @param writable the site is PRIMARY and holds its lease
 * @param validUntilMillis wall clock after which the permit no longer allows writes (the resolver's clock: nodes of
 *     one site share a data center, their skew is far below the margin between lease and down-after)
 * @param issuedAtMillis when the resolver issued it; a node keeps the newest
 */
public record WritePermit(String site, long epoch, String primary, boolean writable, long validUntilMillis,
                          long issuedAtMillis) {
}
