package io.cfs.repl.engine.failover;

/** A site's part in active-passive mode, as it announces it in every failover message. */
public enum Role {
  /** Accepts writes, and only while it holds its lease (see {@link Resolver#acceptsWrites(long)}). */
  PRIMARY,
  /** Holds data and replicates from the primary; may become a candidate. */
  SECONDARY,
  /** Votes but holds no data, so it is never promoted. */
  WITNESS
}
