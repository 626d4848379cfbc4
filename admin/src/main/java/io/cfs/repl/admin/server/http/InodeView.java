package io.cfs.repl.admin.server.http;

import io.cfs.repl.persistence.store.StoredValue;
import java.util.Base64;

/** {@code GET /store/inodes/{id}} body: the value held, its version and whether it is a tombstone. */
public record InodeView(long inodeId, int shard, long hlc, String originSite, String op, boolean tombstone,
                        int schemaVersion, String payloadBase64) {
  public static InodeView of(StoredValue v) {
    return new InodeView(v.inodeId(), v.shard(), v.version().hlc(), v.version().originSite(), v.op().name(),
        v.tombstone(), v.schemaVersion(), Base64.getEncoder().encodeToString(v.payload()));
  }
}
