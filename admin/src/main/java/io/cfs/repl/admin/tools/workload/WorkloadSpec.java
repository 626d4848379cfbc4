package io.cfs.repl.admin.tools.workload;

/**
 * A synthetic metadata workload for one site.
 *
 * @param site the origin site
 * @param ratePerSecond entries per second to offer; 0 for as fast as the journal takes them
 * @param count entries to write in all
 * @param shards shards 0..shards-1 the entries spread over
 * @param inodes inode ids 1..inodes the entries touch (overlapping ranges across sites make LWW conflicts)
 * @param payloadBytes size of each entry's payload
 * @param appendBatch entries per append call
 * @param inFlight append calls in flight at once
 * @param seed seed of the random choices (printed, so a run can be repeated)
 */
public record WorkloadSpec(String site, long ratePerSecond, long count, int shards, long inodes, int payloadBytes,
                           int appendBatch, int inFlight, long seed) {
  public WorkloadSpec {
    if (shards <= 0 || inodes <= 0 || count < 0 || ratePerSecond < 0 || payloadBytes < 0 || appendBatch <= 0
        || inFlight <= 0) {
      throw new IllegalArgumentException("invalid workload: " + this);
    }
  }

  /** Its entries: inode ids from 1. */
  public EntryShape entries() {
    return new EntryShape(site, shards, 1, inodes, payloadBytes, seed);
  }
}
