package io.cfs.repl.it.client;

import java.util.Map;

/**
 * {@code GET /store/inodes/{id}}: the value a site holds for an inode and its LWW version; {@code seq} of the entry
 * that wrote it, what that entry's writer had {@code seen} of the inode and what the site knows of its writes
 * ({@code knowledge}), both per site the highest seq, the value's own write included.
 */
public record InodeValue(long inodeId, int shard, long hlc, String originSite, String op, boolean tombstone,
                         int schemaVersion, String payloadBase64, long seq, Map<String, Long> seen,
                         Map<String, Long> knowledge) {
  public InodeValue {
    seen = seen == null ? Map.of() : Map.copyOf(seen);
    knowledge = knowledge == null ? Map.of() : Map.copyOf(knowledge);
  }

  /**
   * The value as it replicates: {@code knowledge} left out, since what a site knows of an inode's writes is its own
   * (two sites hold the same value and may know of different losers); for comparing sites.
   */
  public InodeValue replicated() {
    return new InodeValue(inodeId, shard, hlc, originSite, op, tombstone, schemaVersion, payloadBase64, seq, seen,
        Map.of());
  }

  /** Whether the value's writer had seen {@code site}'s write at {@code writeSeq} (its own write included). */
  public boolean saw(String site, long writeSeq) {
    return seen.getOrDefault(site, -1L) >= writeSeq;
  }

  @Override
  public String toString() {
    return "inode " + inodeId + "{shard=" + shard + " version=(" + hlc + "," + originSite + ") seq=" + seq + " op="
        + op + (tombstone ? " tombstone" : "") + " seen=" + seen + " knowledge=" + knowledge + " payload="
        + Json.abbreviate(payloadBase64) + "}";
  }
}
