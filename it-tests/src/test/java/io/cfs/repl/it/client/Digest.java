package io.cfs.repl.it.client;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /store/digest}: per-shard and overall hashes of a site's metadata store (tombstones included).
 *
 * @param shards per shard number: inode count and hash
 * @param inodes inode records in all
 * @param hash one hash over all shards
 */
public record Digest(Map<Integer, ShardDigest> shards, long inodes, String hash) {
  public Digest {
    shards = shards == null ? Map.of() : new TreeMap<>(shards);
  }

  public record ShardDigest(long inodes, String hash) {
  }
}
