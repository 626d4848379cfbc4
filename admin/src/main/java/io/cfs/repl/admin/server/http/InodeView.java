package io.cfs.repl.admin.server.http;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.Base64;
import java.util.Map;

/**
 * {@code GET /store/inodes/{id}} body: the value held, its version and whether it is a tombstone, and what a tool
 * needs to place it among the inode's writes (a conflict checker deciding which writes the winner had seen).
 *
 * @param seq seq of the entry that wrote the value, in its origin's shard (0 for a value written by a repair)
 * @param seen what that entry's writer had seen of the inode, per site the highest seq, the value's own write
 *     included: a write of site {@code s} at seq {@code n} was seen iff {@code seen[s] >= n}
 * @param knowledge what this site knows of the inode's writes (winners and losers, and what their writers had
 *     seen), the value's own write included; the same on every site once all writes are applied everywhere
 */
public record InodeView(long inodeId, int shard, long hlc, String originSite, String op, boolean tombstone,
                        int schemaVersion, String payloadBase64, long seq, Map<String, Long> seen,
                        Map<String, Long> knowledge) {
  public static InodeView of(StoredValue v) {
    return new InodeView(v.inodeId(), v.shard(), v.version().hlc(), v.version().originSite(), v.op().name(),
        v.tombstone(), v.schemaVersion(), Base64.getEncoder().encodeToString(v.payload()), v.seq(),
        withOwnWrite(v.seen(), v).asMap(), withOwnWrite(v.knowledge(), v).asMap());
  }

  /** The store keeps both vectors beyond the value's own write; the view names it (none for a repair's seq 0). */
  private static Seen withOwnWrite(Seen vector, StoredValue v) {
    return v.seq() > 0 ? vector.with(v.version().originSite(), v.seq()) : vector;
  }
}
