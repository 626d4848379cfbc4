package io.cfs.repl.it.client;

/** {@code GET /store/inodes/{id}}: the value a site holds for an inode and its LWW version. */
public record InodeValue(long inodeId, int shard, long hlc, String originSite, String op, boolean tombstone,
                         int schemaVersion, String payloadBase64) {

  @Override
  public String toString() {
    return "inode " + inodeId + "{shard=" + shard + " version=(" + hlc + "," + originSite + ") op=" + op
        + (tombstone ? " tombstone" : "") + " payload=" + Json.abbreviate(payloadBase64) + "}";
  }
}
