package io.cfs.repl.it.client;

import java.util.Map;

/**
 * The {@code data} of one {@code conflict} event of {@code GET /journal/conflicts}: two writes of one inode that had
 * not seen each other, as {@code site} met them.
 *
 * @param winner {@code "local"} or {@code "remote"}
 * @param localKnew what the site knew of the inode's writes (site to highest seq), the held value included
 * @param remoteSeen what the applied entry's writer had seen of the inode, the entry included
 */
public record StreamedConflict(long id, String site, long atMillis, long inode, int shard, Write local, Write remote,
                               String winner, boolean concurrent, Map<String, Long> localKnew,
                               Map<String, Long> remoteSeen) {
  public StreamedConflict {
    localKnew = localKnew == null ? Map.of() : Map.copyOf(localKnew);
    remoteSeen = remoteSeen == null ? Map.of() : Map.copyOf(remoteSeen);
  }

  /** One side: its version (hlc, site) and its seq in the site's shard. */
  public record Write(String site, long hlc, long seq) {
    /** As the audit trail's attributes spell a version. */
    public String version() {
      return hlc + "@" + site;
    }
  }

  /** The side last-write-wins kept. */
  public Write winnerWrite() {
    return "remote".equals(winner) ? remote : local;
  }
}
