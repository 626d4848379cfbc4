package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Version;

/**
 * An entry that lost last-write-wins: the audit trail of values that were not kept.
 *
 * @param inodeId the inode
 * @param loser the version that lost (the incoming entry, or the stored value it replaced)
 * @param winner the version kept
 * @param appliedAtMillis wall clock when apply decided
 */
public record LwwLoser(long inodeId, int shard, Version loser, Version winner, long appliedAtMillis) {
}
