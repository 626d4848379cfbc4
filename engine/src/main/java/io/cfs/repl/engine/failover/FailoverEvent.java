package io.cfs.repl.engine.failover;

/**
 * What a resolver persists; {@link ResolverState} is rebuilt from these alone. Each is persisted before any message
 * that depends on it leaves the site, so a restarted site never contradicts what it said before its crash.
 */
public sealed interface FailoverEvent {

  /** Learnt from a peer that {@code primary} won {@code epoch}; a primary adopting it is demoted by it. */
  record EpochAdopted(long epoch, String primary) implements FailoverEvent {}

  /** Voted for {@code candidate} in {@code epoch}: never again for anyone else in that epoch. */
  record VotedFor(long epoch, String candidate) implements FailoverEvent {}

  /** This site ({@code site}) won {@code epoch} with a majority of the voters and is its primary. */
  record Promoted(long epoch, String site) implements FailoverEvent {}

  /** This site stopped being the primary of {@code epoch} on its own (it never becomes so again in that epoch). */
  record Demoted(long epoch, Reason reason) implements FailoverEvent {}

  enum Reason {
    /** Planned switchover: the target holds everything and takes over. */
    HANDOVER,
    /** The operator forced a failover to another site. */
    FORCED_FAILOVER,
    /** Not heard from a majority of the voters for {@code down-after}: let the others elect. */
    LOST_QUORUM
  }
}
