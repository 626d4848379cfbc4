package io.cfs.repl.engine.verify;

/**
 * The digest of one node of a {@link DigestTree}: how many values fall under it and two 64-bit sums of their hashes.
 * Sums, so that a node's digest does not depend on the order in which values were added, and a parent's is its
 * children's added up.
 */
public record NodeDigest(long count, long sum1, long sum2) {
  public static final NodeDigest EMPTY = new NodeDigest(0, 0, 0);

  NodeDigest plus(NodeDigest o) {
    return new NodeDigest(count + o.count, sum1 + o.sum1, sum2 + o.sum2);
  }
}
