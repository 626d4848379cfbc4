package io.cfs.repl.it.workload;

import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every entry a node acknowledged to the workload, reduced to what the checker needs: per inode the highest
 * acknowledged version (and whether that op deletes), per (site, shard) the acknowledged seq head, counts, and the
 * anomalies seen on the way (an ack whose heads disagree with what was sent, duplicates on a first attempt).
 *
 * <p>Invariant checked on every record: per (site, shard) acknowledged seqs are dense and in order (the workload
 * sends one batch at a time per site and retries it until acknowledged), so the history itself has no gap. Memory
 * is bounded by the number of inodes and shards, not entries.
 */
public final class History {

  /** The value an inode must hold on every site: its highest acknowledged version. */
  public record Expected(long inodeId, int shard, Version version, String op, boolean tombstone,
                         String payloadBase64) {
  }

  private final Map<Long, Expected> latest = new HashMap<>();
  private final Map<String, Map<Integer, Long>> heads = new TreeMap<>();
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, Long> retriedBatches = new TreeMap<>();
  private final Map<String, Long> duplicates = new TreeMap<>();
  private final List<String> anomalies = new ArrayList<>();

  /** Records a batch the node acknowledged (durable). */
  public synchronized void recordAcked(String site, List<IngestEntry> batch, IngestResult result) {
    Map<Integer, Long> siteHeads = heads.computeIfAbsent(site, s -> new TreeMap<>());
    for (IngestEntry e : batch) {
      if (!e.originSite().equals(site)) {
        throw new IllegalStateException("entry of origin " + e.originSite() + " written to " + site + ": " + e);
      }
      long head = siteHeads.getOrDefault(e.shard(), 0L);
      if (e.seq() != head + 1) {
        throw new IllegalStateException("workload bug: acknowledged " + e + " after head " + head + " of shard "
            + e.shard());
      }
      siteHeads.put(e.shard(), e.seq());
      Version v = new Version(e.hlc(), e.originSite());
      Expected current = latest.get(e.inodeId());
      if (current != null && current.shard() != e.shard()) {
        throw new IllegalStateException("workload bug: inode " + e.inodeId() + " in shards " + current.shard()
            + " and " + e.shard());
      }
      if (current == null || v.compareTo(current.version()) > 0) {
        latest.put(e.inodeId(), new Expected(e.inodeId(), e.shard(), v, e.op(), e.isDelete(), e.payload()));
      }
    }
    counts.merge(site, (long) batch.size(), Long::sum);
    if (result.attempts() > 1) retriedBatches.merge(site, 1L, Long::sum);
    duplicates.merge(site, result.duplicates(), Long::sum);
    if (result.written() + result.duplicates() != batch.size()) {
      anomalies.add(site + ": batch of " + batch.size() + " acknowledged as written " + result.written()
          + " + duplicates " + result.duplicates() + " (first " + batch.get(0) + ")");
    }
    if (result.duplicates() > 0 && result.attempts() == 1) {
      anomalies.add(site + ": first attempt of a batch answered " + result.duplicates() + " duplicates (first "
          + batch.get(0) + ")");
    }
    result.heads().forEach((shard, head) -> {
      Long ours = siteHeads.get(shard);
      if (ours != null && !ours.equals(head)) {
        anomalies.add(site + ": ack reports head " + head + " for shard " + shard + ", acknowledged seq is " + ours);
      }
    });
  }

  /** Per inode the highest acknowledged version (a copy). */
  public synchronized Map<Long, Expected> latest() {
    return Map.copyOf(latest);
  }

  public synchronized Expected expected(long inodeId) {
    return latest.get(inodeId);
  }

  /** Per shard the acknowledged seq head of a site's own entries (a copy). */
  public synchronized Map<Integer, Long> heads(String site) {
    return Map.copyOf(heads.getOrDefault(site, Map.of()));
  }

  public synchronized long acknowledged(String site) {
    return counts.getOrDefault(site, 0L);
  }

  public synchronized long acknowledged() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized long distinctInodes() {
    return latest.size();
  }

  public synchronized List<String> anomalies() {
    return List.copyOf(anomalies);
  }

  @Override
  public synchronized String toString() {
    return "history{acknowledged " + counts + ", inodes " + latest.size() + ", retried batches " + retriedBatches
        + ", duplicates " + duplicates + ", anomalies " + anomalies.size() + "}";
  }
}
