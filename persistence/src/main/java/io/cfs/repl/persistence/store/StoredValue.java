package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;

/** What the store holds for one inode: the winning version, its operation and payload, tombstone or not. */
public record StoredValue(long inodeId, int shard, Version version, Op op, boolean tombstone, int schemaVersion,
                          byte[] payload) {
}
