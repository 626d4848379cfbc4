package io.cfs.repl.it.client;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code CONFLICT} record of the audit trail read back into its parts: the attributes spell versions as
 * {@code hlc@site} and vectors as {@code {site:seq, ...}} (per site the highest seq seen of the inode's writes).
 *
 * @param site the site that recorded it
 * @param local the value the site held, written by the entry at {@code localSeq} of its origin's shard
 * @param localKnew what the site knew of the inode's writes, the held value included
 * @param remote the entry it applied, at {@code remoteSeq}
 * @param remoteSeen what that entry's writer had seen of the inode, the entry included
 * @param winner the version last-write-wins kept: {@code local} or {@code remote}
 */
public record AuditedConflict(String site, long conflictId, long inode, int shard, Version local, long localSeq,
                              Seen localKnew, Version remote, long remoteSeq, Seen remoteSeen, Version winner,
                              boolean concurrent) {

  /** Reads a CONFLICT record; fails naming the record when an attribute is missing or malformed. */
  public static AuditedConflict of(AuditEntry e) {
    if (!"CONFLICT".equals(e.kind())) throw new IllegalArgumentException("not a CONFLICT record: " + e);
    try {
      AuditedConflict c = new AuditedConflict(e.site(), Long.parseLong(e.attribute("conflictId")), e.inode(),
          e.shard(), version(e.attribute("local")), Long.parseLong(e.attribute("localSeq")),
          seen(e.attribute("localKnew")), version(e.attribute("remote")), Long.parseLong(e.attribute("remoteSeq")),
          seen(e.attribute("remoteSeen")), version(e.attribute("winner")),
          Boolean.parseBoolean(e.attribute("concurrent")));
      if (!c.winner.equals(c.local) && !c.winner.equals(c.remote)) {
        throw new IllegalArgumentException("the winner is neither side");
      }
      return c;
    } catch (RuntimeException bad) {
      throw new IllegalArgumentException("malformed CONFLICT record " + e.attributes() + ": " + bad, bad);
    }
  }

  /** {@code hlc@site}, as {@link Version#toString()} writes it. */
  static Version version(String s) {
    int at = s.indexOf('@');
    return new Version(Long.parseLong(s.substring(0, at)), s.substring(at + 1));
  }

  /** {@code {site:seq, ...}}, as {@link Seen#toString()} writes it; {@code {}} is empty. */
  static Seen seen(String s) {
    if (!s.startsWith("{") || !s.endsWith("}")) throw new IllegalArgumentException("not a vector: " + s);
    String body = s.substring(1, s.length() - 1).strip();
    Map<String, Long> components = new LinkedHashMap<>();
    if (!body.isEmpty()) {
      for (String component : body.split(",")) {
        String c = component.strip();
        int colon = c.lastIndexOf(':');
        components.put(c.substring(0, colon), Long.parseLong(c.substring(colon + 1)));
      }
    }
    return Seen.of(components);
  }

  public boolean remoteWon() {
    return winner.equals(remote);
  }

  /**
   * Whether {@code writer}'s write at {@code seq} was lost here unseen: the losing side knew it (the site's knowledge
   * when the held value lost, the entry's seen when it did), the winning side had not seen it.
   */
  public boolean lostUnseen(String writer, long seq) {
    Seen loserKnew = remoteWon() ? localKnew : remoteSeen;
    Seen winnerSaw = remoteWon() ? remoteSeen : localKnew;
    return loserKnew.covers(writer, seq) && !winnerSaw.covers(writer, seq);
  }

  @Override
  public String toString() {
    return site + " conflict " + conflictId + " inode " + inode + ": held " + local + " (seq " + localSeq + ", knew "
        + localKnew + ") vs " + remote + " (seq " + remoteSeq + ", saw " + remoteSeen + "), " + winner + " won"
        + (concurrent ? "" : " (not concurrent)");
  }
}
