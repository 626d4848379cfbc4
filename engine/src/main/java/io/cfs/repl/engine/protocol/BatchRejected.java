package io.cfs.repl.engine.protocol;

/**
 * Receiver to sender: the whole batch was refused and nothing of it was applied. The receiver closes the connection
 * after sending it.
 *
 * @param batchId the refused batch, or -1 when the frame could not be read as a batch
 * @param reason why, as a type the sender acts on: a {@link Reason#STALE_EPOCH} refusal clears once the sender's site
 *     has adopted the receiver's epoch, any other stops the link until an operator retries it
 * @param message why, for a human
 * @param epoch the receiver's current epoch
 */
public record BatchRejected(long batchId, Reason reason, String message, long epoch) implements WireMessage {

  /** Why a batch was refused. New values go last: Kryo writes an enum by its ordinal. */
  public enum Reason {
    /** The frame is not a decodable {@link ShipBatch}. */
    MALFORMED,
    /** The batch, or an entry in it, is not of the site that opened the link. */
    WRONG_ORIGIN,
    /** More entries than the receiver's max-batch-entries. */
    TOO_LARGE,
    /** The batch carries an epoch lower than the receiver's: its sender has not learned of the newer epoch. */
    STALE_EPOCH,
    /** The sender was removed from the receiver's peers by a reload while its link was open. */
    UNKNOWN_SITE
  }
}
