package io.cfs.repl.admin.tools.workload;

/**
 * What the entries of one writer look like.
 *
 * @param site the origin site
 * @param shards shards 0..shards-1; an inode's shard is {@code inodeId % shards}
 * @param firstInode the lowest inode id written
 * @param inodes inode ids {@code firstInode .. firstInode + inodes - 1} (writers whose ranges overlap make LWW
 *     conflicts)
 * @param payloadBytes size of each entry's payload
 * @param seed seed of the random choices, so a run can be repeated
 */
public record EntryShape(String site, int shards, long firstInode, long inodes, int payloadBytes, long seed) {
  public EntryShape {
    if (site == null || site.isBlank() || shards <= 0 || firstInode < 0 || inodes <= 0 || payloadBytes < 0) {
      throw new IllegalArgumentException("invalid entry shape: " + this);
    }
  }
}
