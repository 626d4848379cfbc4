package io.cfs.repl.engine.epoch;

/**
 * The site's current epoch as its site links see it: the epoch its batches and acks carry, below which it refuses a
 * peer's batch; and where the links report a higher epoch learned from a peer.
 *
 * <p>Called from link stream stages and the receiver's flow, on their threads: implementations are thread-safe and
 * never block (a resolver hands an observation to its actor and returns).
 */
public interface EpochView {

  /** The site's current epoch (0 while no epoch was ever raised, and always in active-active). */
  long current();

  /**
   * A peer showed {@code epoch}, higher than {@link #current()} when the caller looked: in a batch it sent, in its
   * ack, or in its refusal of a stale batch. Whether and when this site adopts it (and demotes itself) is the
   * implementation's decision; the link that saw it simply retries later.
   */
  void observe(String site, long epoch);
}
