package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;

/**
 * Two writes of one inode that did not see each other, as one site met them: the value it held ({@code local}) and an
 * entry it applied ({@code remote}: a peer's, or one of this site's own entries whose local apply met a value that
 * arrived after it was written). Recorded in the same atomic write as the apply that met them, once: a re-delivered
 * entry is below the watermark and decides nothing.
 *
 * <p>The rule (applied in {@link ApplyPlan}), with K what this site knew of the inode, S what the entry's writer had
 * seen ({@code remoteSeen}, the entry itself included) and H what the held value's writer had seen:
 * <ul>
 *   <li>the entry wins last-write-wins: a conflict iff S does not cover the held value (the writer had not seen it),
 *       whether or not K covers the entry: the held value is dropped all the same;</li>
 *   <li>the entry loses: a conflict unless K covers it (it was superseded knowingly, or is known through a write that
 *       had seen it).</li>
 * </ul>
 * {@code concurrent} is false when one side had seen the other and still stamped an older hlc (its clock was not
 * ratcheted by the hlc the site answers with): S covers the held value (the entry loses to what it had seen), or H
 * covers the entry (it wins over a value that had seen it). With clocks that ratchet, a write that saw another is
 * newer, so neither happens and every conflict is concurrent.
 * The losing side's writes that the winner had not seen are those {@code loserKnew} covers and {@code winnerSaw}
 * does not: the history a metadata service must reconcile.
 *
 * @param id stable and increasing in recording order on this site (resume a subscription after it); 0 until stored
 * @param atMillis wall clock when the apply decided
 * @param localSeq seq of the entry that wrote the held value, in its origin's shard (0 for a value written by a repair)
 * @param localKnew what this site knew of the inode before the apply, the held value included
 * @param remoteSeen what the entry's writer had seen of the inode, the entry included
 */
public record WriteConflict(long id, long atMillis, long inodeId, int shard, Version local, long localSeq,
                            Seen localKnew, Version remote, long remoteSeq, Seen remoteSeen, boolean concurrent) {

  public WriteConflict withId(long newId) {
    return new WriteConflict(newId, atMillis, inodeId, shard, local, localSeq, localKnew, remote, remoteSeq,
        remoteSeen, concurrent);
  }

  public boolean remoteWon() {
    return remote.isNewerThan(local);
  }

  public Version winner() {
    return remoteWon() ? remote : local;
  }

  public Version loser() {
    return remoteWon() ? local : remote;
  }

  /** What the winning side had seen. */
  public Seen winnerSaw() {
    return remoteWon() ? remoteSeen : localKnew;
  }

  /** What the losing side knew. */
  public Seen loserKnew() {
    return remoteWon() ? localKnew : remoteSeen;
  }

  /**
   * Whether {@code site}'s write at {@code seq} (of this inode) was lost here unseen: the losing side knew it, the
   * winner had not seen it.
   */
  public boolean lostUnseen(String site, long seq) {
    return loserKnew().covers(site, seq) && !winnerSaw().covers(site, seq);
  }
}
