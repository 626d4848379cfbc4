package io.cfs.repl.admin.wire;

import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.WriteConflict;
import java.util.Map;

/**
 * One write conflict as {@code GET /journal/conflicts} sends it (the {@code data} of an SSE event whose {@code id} is
 * the same {@code id}): two writes of one inode that had not seen each other, as this site met them.
 *
 * @param id stable, increasing per site: resume after it ({@code ?after=} or {@code Last-Event-ID})
 * @param site the site that recorded it
 * @param atMillis when its apply decided (wall clock of the recording node)
 * @param local the value the site held
 * @param remote the entry it applied
 * @param winner {@code "local"} or {@code "remote"}: the side last-write-wins kept
 * @param concurrent false only when one write's writer had seen the other yet stamped an older hlc (the remote entry
 *     lost to the held value it had seen, or won over a held value that had seen it)
 * @param localKnew what the site knew of the inode's writes (per site, the highest seq), the held value included
 * @param remoteSeen what the entry's writer had seen of the inode, the entry included
 */
public record ConflictEvent(long id, String site, long atMillis, long inode, int shard, Write local, Write remote,
                            String winner, boolean concurrent, Map<String, Long> localKnew,
                            Map<String, Long> remoteSeen) {

  /** One side: the write's version (hlc, origin site) and its seq in the origin's shard. */
  public record Write(String site, long hlc, long seq) {
    static Write of(Version version, long seq) {
      return new Write(version.originSite(), version.hlc(), seq);
    }
  }

  public static ConflictEvent of(String site, WriteConflict c) {
    return new ConflictEvent(c.id(), site, c.atMillis(), c.inodeId(), c.shard(), Write.of(c.local(), c.localSeq()),
        Write.of(c.remote(), c.remoteSeq()), c.remoteWon() ? "remote" : "local", c.concurrent(),
        c.localKnew().asMap(), c.remoteSeen().asMap());
  }
}
