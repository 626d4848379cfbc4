package io.cfs.repl.it.client;

import java.util.List;
import java.util.Map;

/**
 * One record of {@code GET /replication/audit} (see the README's audit trail table for the kinds).
 *
 * @param atMillis when it happened, the recording node's clock
 * @param site the site that recorded it
 * @param peer the other site it concerns (for OLD_EPOCH_RECONCILED the entry's origin), or null
 */
public record AuditEntry(long id, long atMillis, String kind, String site, String peer, Long inode, Integer shard,
                         Long seq, String detail, Map<String, String> attributes) {
  public AuditEntry {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public String attribute(String name) {
    return attributes.get(name);
  }

  /** One page of the trail, newest first; {@code next} is the {@code after} of the following page, or null. */
  public record Page(String site, List<AuditEntry> records, String next) {
    public Page {
      records = records == null ? List.of() : List.copyOf(records);
    }
  }

  @Override
  public String toString() {
    return atMillis + " " + site + " " + kind + (peer == null ? "" : " peer " + peer) + ": " + detail;
  }
}
