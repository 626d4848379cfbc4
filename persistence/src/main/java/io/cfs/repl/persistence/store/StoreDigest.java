package io.cfs.repl.persistence.store;

import java.util.Map;

/**
 * A cheap comparison of two sites' stores.
 *
 * @param shards per shard: inode count and hash over (inode id, version, tombstone, payload crc) in inode order
 * @param inodes total inode records (tombstones included)
 * @param hash one hash over all shards in shard order
 */
public record StoreDigest(Map<Integer, ShardDigest> shards, long inodes, String hash) {
  public StoreDigest {
    shards = Map.copyOf(shards);
  }

  /** Digest of one shard. */
  public record ShardDigest(long inodes, String hash) {
  }
}
