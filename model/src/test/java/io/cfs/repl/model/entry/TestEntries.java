package io.cfs.repl.model.entry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds entries for tests; the payload names the entry so that mix-ups show in assertion messages. */
public final class TestEntries {
  private TestEntries() {
  }

  /** An entry whose inode and hlc derive from (shard, seq): one inode per entry, hlc increasing with seq. */
  public static JournalEntry entry(String site, int shard, long seq) {
    return JournalEntry.of(site, shard, seq, 1_000 * seq, Op.WRITE, (long) shard * 1_000_000 + seq, 1,
        (site + "/" + shard + "/" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /** Entries {@code from..to} (inclusive) of one shard. */
  public static List<JournalEntry> range(String site, int shard, long from, long to) {
    List<JournalEntry> entries = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      entries.add(entry(site, shard, seq));
    }
    return entries;
  }

  /** A change of a chosen inode at a chosen time. */
  public static JournalEntry change(String site, int shard, long seq, long hlc, Op op, long inodeId, String payload) {
    return JournalEntry.of(site, shard, seq, hlc, op, inodeId, 1, payload.getBytes(StandardCharsets.UTF_8));
  }
}
