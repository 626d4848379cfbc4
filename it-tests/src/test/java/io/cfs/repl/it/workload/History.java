package io.cfs.repl.it.workload;

import io.cfs.repl.admin.tools.check.Expectations;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestResult;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every entry a node acknowledged to the workload, as the {@link io.cfs.repl.admin.tools.check.Checker} expects it
 * (per inode the highest acknowledged version, per (site, shard) the acknowledged seq head), plus counts and the
 * anomalies seen on the way (an ack whose heads disagree with what was sent, duplicates on a first attempt).
 *
 * <p>Invariants checked on every record: per (site, shard) acknowledged seqs are dense and in order (the workload
 * sends one batch at a time per site and retries it until acknowledged), so the history itself has no gap; an inode
 * stays in one shard.
 *
 * <p>A history made with {@link #keepingWrites()} also keeps every acknowledged write (its position, hlc and inode,
 * not its payload), for checks that place each write, such as {@link ConflictHistoryCheck}; others keep only what the
 * {@link io.cfs.repl.admin.tools.check.Checker} needs, so long soak runs stay small.
 */
public final class History extends Expectations {
  /** One acknowledged write: origin site, shard, seq, hlc and inode. */
  public record Write(String site, int shard, long seq, long hlc, long inode) {
    /** Its last-write-wins version. */
    public Version version() {
      return new Version(hlc, site);
    }

    @Override
    public String toString() {
      return site + "/" + shard + "/" + seq + " inode " + inode + " " + hlc + "@" + site;
    }
  }

  private final List<Write> writes;
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, Long> retriedBatches = new TreeMap<>();
  private final Map<String, Long> duplicates = new TreeMap<>();

  public History() {
    this(false);
  }

  private History(boolean keepWrites) {
    this.writes = keepWrites ? new ArrayList<>() : null;
  }

  /** A history that also keeps every acknowledged write ({@link #writes()}). */
  public static History keepingWrites() {
    return new History(true);
  }

  /** Every acknowledged write, in acknowledgement order; only for a history {@link #keepingWrites()}. */
  public synchronized List<Write> writes() {
    if (writes == null) throw new IllegalStateException("this history keeps no writes: use History.keepingWrites()");
    return List.copyOf(writes);
  }

  /** Records a batch the node acknowledged (durable). */
  public synchronized void recordAcked(String site, List<IngestEntry> batch, IngestResult result) {
    Map<Integer, Long> siteHeads = new HashMap<>(heads(site));
    for (IngestEntry e : batch) {
      if (!e.originSite().equals(site)) {
        throw new IllegalStateException("entry of origin " + e.originSite() + " written to " + site + ": " + e);
      }
      long head = siteHeads.getOrDefault(e.shard(), 0L);
      if (e.seq() != head + 1) {
        throw new IllegalStateException("workload bug: acknowledged " + e + " after head " + head + " of shard "
            + e.shard());
      }
      Expected current = expected(e.inodeId());
      if (current != null && current.shard() != e.shard()) {
        throw new IllegalStateException("workload bug: inode " + e.inodeId() + " in shards " + current.shard()
            + " and " + e.shard());
      }
      siteHeads.put(e.shard(), e.seq());
      record(site, e.shard(), e.seq(), e.hlc(), Op.valueOf(e.op()), e.inodeId(), e.payload());
      if (writes != null) writes.add(new Write(site, e.shard(), e.seq(), e.hlc(), e.inodeId()));
    }
    counts.merge(site, (long) batch.size(), Long::sum);
    if (result.attempts() > 1) retriedBatches.merge(site, 1L, Long::sum);
    duplicates.merge(site, result.duplicates(), Long::sum);
    if (result.written() + result.duplicates() != batch.size()) {
      anomaly(site + ": batch of " + batch.size() + " acknowledged as written " + result.written()
          + " + duplicates " + result.duplicates() + " (first " + batch.get(0) + ")");
    }
    if (result.duplicates() > 0 && result.attempts() == 1) {
      anomaly(site + ": first attempt of a batch answered " + result.duplicates() + " duplicates (first "
          + batch.get(0) + ")");
    }
    result.heads().forEach((shard, head) -> {
      Long ours = siteHeads.get(shard);
      if (ours != null && !ours.equals(head)) {
        anomaly(site + ": ack reports head " + head + " for shard " + shard + ", acknowledged seq is " + ours);
      }
    });
  }

  public synchronized long acknowledged(String site) {
    return counts.getOrDefault(site, 0L);
  }

  public synchronized long acknowledged() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public synchronized String toString() {
    return "history{acknowledged " + counts + ", inodes " + distinctInodes() + ", retried batches "
        + retriedBatches + ", duplicates " + duplicates + ", anomalies " + anomalies().size() + "}";
  }
}
