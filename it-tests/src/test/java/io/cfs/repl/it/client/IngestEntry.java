package io.cfs.repl.it.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.cfs.repl.model.entry.JournalEntry;
import java.util.Base64;

/**
 * One journal entry as the ingest endpoint takes it ({@code POST /journal/entries}); the crc is optional in JSON and
 * left out, so the node computes it.
 *
 * @param originSite the site the entry is written to (must be that node's own site)
 * @param shard shard of the inode
 * @param seq dense per (origin, shard), from 1
 * @param hlc epoch nanoseconds; LWW compares (hlc, originSite)
 * @param op metadata operation name (UNLINK and RMDIR are deletes)
 * @param inodeId the inode
 * @param schemaVersion payload schema version
 * @param payload base64 of the opaque payload
 */
public record IngestEntry(String originSite, int shard, long seq, long hlc, String op, long inodeId,
                          int schemaVersion, String payload) {

  public static IngestEntry of(String originSite, int shard, long seq, long hlc, String op, long inodeId,
                               byte[] payload) {
    return new IngestEntry(originSite, shard, seq, hlc, op, inodeId, 1, Base64.getEncoder().encodeToString(payload));
  }

  /** The entry as this client sends it: op by name, payload in base64, crc left to the node. */
  public static IngestEntry of(JournalEntry e) {
    return new IngestEntry(e.originSite(), e.shard(), e.seq(), e.hlc(), e.op().name(), e.inodeId(),
        e.schemaVersion(), Base64.getEncoder().encodeToString(e.payload()));
  }

  @JsonIgnore
  public boolean isDelete() {
    return isDelete(op);
  }

  public static boolean isDelete(String op) {
    return op.equals("UNLINK") || op.equals("RMDIR");
  }

  @Override
  public String toString() {
    return originSite + "/" + shard + "/" + seq + " " + op + " inode " + inodeId + " hlc " + hlc;
  }
}
