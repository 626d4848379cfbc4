package io.cfs.repl.engine.failover;

/**
 * What resolvers and the witness say to each other over the site links. Every message carries the sender's
 * {@link View}: any message proves the sender alive, and any message teaches the receiver a higher epoch.
 */
public sealed interface FailoverMessage {

  View view();

  /**
   * The sender's durable knowledge when it sent the message.
   *
   * @param epoch the highest epoch the sender knows to have been won (raised only by promotions)
   * @param primary the site promoted in {@code epoch}, or null before the first primary
   * @param role the sender's role now: a primary that stepped down says SECONDARY in its own epoch
   * @param votedEpoch the highest epoch the sender has voted in. Kept apart from {@code epoch} so that a candidate's
   *     failed vote does not spread as a new epoch and demote a healthy primary; a primary still needs it, since a
   *     voter that voted beyond the primary's epoch may back someone else and must no longer renew its lease.
   */
  record View(long epoch, String primary, Role role, long votedEpoch) {}

  /** "I heard your heartbeat sent at {@code clockMillis}, while you were the primary of {@code epoch}." */
  record Echo(long epoch, long clockMillis) {}

  /**
   * Sent to every voter each {@code heartbeat-interval}, on idle links too.
   *
   * @param clockMillis the sender's clock when sent (skew measurement; the primary's lease token when echoed)
   * @param echo to the receiver only if the sender accepts the receiver as its primary, else null
   */
  record Heartbeat(View view, long clockMillis, Echo echo) implements FailoverMessage {}

  /**
   * A candidate asks for a vote for {@code epoch} (always above the candidate's {@code view.epoch}).
   *
   * @param held how much of the journal of {@code view.primary} the candidate holds (voters holding more refuse)
   * @param forced the operator forced this failover: the primary steps down, voters wait only for its lease
   * @param handover the primary of {@code view.epoch} stepped down and handed over to this candidate
   */
  record VoteRequest(View view, long epoch, long held, boolean forced, boolean handover) implements FailoverMessage {}

  record VoteReply(View view, long epoch, Vote vote) implements FailoverMessage {}

  /** The primary of {@code view.epoch} has stepped down (persisted) and asks {@code target} to take over. */
  record Handover(View view, String target) implements FailoverMessage {}

  /** A voter's answer, with the reason of a refusal (for the candidate's log and the tests). */
  enum Vote {
    GRANTED,
    /** The requested epoch is not above what the voter already knows or voted in. */
    STALE_EPOCH,
    /** The voter already voted for another candidate in this epoch. */
    VOTED_OTHER,
    /** The voter has heard its primary too recently (or is the primary itself). */
    PRIMARY_ALIVE,
    /** The voter holds more of the old primary's journal than the candidate. */
    LESS_CAUGHT_UP,
    /** The requester is not a data site (the witness is never promoted). */
    NOT_ELIGIBLE;

    public boolean granted() {
      return this == GRANTED;
    }
  }
}
