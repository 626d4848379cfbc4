package io.cfs.repl.engine.failover;

/** A site's part, as it announces it in every failover message. */
public enum Role {
  /** Active-active mode: takes writes like every site of the mesh; its heartbeats only tell health. */
  ACTIVE,
  /** Accepts writes, and only while it holds its lease (see {@link Resolver#acceptsWrites(long)}). */
  PRIMARY,
  /** Holds data and replicates from the primary; may become a candidate. */
  SECONDARY,
  /** Votes but holds no data, so it is never promoted. */
  WITNESS
}
