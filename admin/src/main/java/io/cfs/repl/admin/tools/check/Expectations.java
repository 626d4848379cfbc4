package io.cfs.repl.admin.tools.check;

import io.cfs.repl.admin.tools.workload.HistoryFile;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every site must hold once replication has caught up, from the entries writers saw acknowledged: per inode the
 * winning write under last-write-wins, per (origin site, shard) the highest acknowledged seq, and the anomalies a
 * writer noticed on the way. Filled from history files ({@link #read}) or by a writer as it goes; memory is bounded
 * by the number of inodes and shards, not entries. Thread-safe.
 */
public class Expectations {

  /**
   * The value an inode must hold on every site: its highest acknowledged version.
   *
   * @param payloadBase64 the payload written with it; null when the record of it has none (history files)
   */
  public record Expected(long inodeId, int shard, Version version, Op op, String payloadBase64) {
    public boolean tombstone() {
      return op.isDelete();
    }
  }

  private final Map<Long, Expected> latest = new HashMap<>();
  private final Map<String, Map<Integer, Long>> heads = new TreeMap<>();
  private final List<String> anomalies = new ArrayList<>();
  private long entries;

  /** The expectations of history files ({@code cfs load --history}), which must hold every writer's entries. */
  public static Expectations read(List<Path> files) throws IOException {
    Expectations expected = new Expectations();
    for (Path file : files) {
      HistoryFile.read(file, l -> expected.record(l.site(), l.shard(), l.seq(), l.hlc(), l.op(), l.inodeId(),
          null));
    }
    return expected;
  }

  /** Records one acknowledged entry; of two writes of an inode the greater version wins, as on every site. */
  public synchronized void record(String site, int shard, long seq, long hlc, Op op, long inodeId,
                                  String payloadBase64) {
    Expected e = new Expected(inodeId, shard, new Version(hlc, site), op, payloadBase64);
    latest.merge(inodeId, e, (held, next) -> next.version().isNewerThan(held.version()) ? next : held);
    heads.computeIfAbsent(site, s -> new TreeMap<>()).merge(shard, seq, Math::max);
    entries++;
  }

  /** Something a writer saw that a converged cluster must not show; the checker reports each one. */
  protected synchronized void anomaly(String what) {
    anomalies.add(what);
  }

  /** Per inode the highest acknowledged version (a copy). */
  public synchronized Map<Long, Expected> latest() {
    return Map.copyOf(latest);
  }

  public synchronized Expected expected(long inodeId) {
    return latest.get(inodeId);
  }

  /** Per shard the highest acknowledged seq of a site's own entries (a copy). */
  public synchronized Map<Integer, Long> heads(String site) {
    return Map.copyOf(heads.getOrDefault(site, Map.of()));
  }

  /** Acknowledged entries recorded, of every site. */
  public synchronized long entries() {
    return entries;
  }

  public synchronized long distinctInodes() {
    return latest.size();
  }

  public synchronized List<String> anomalies() {
    return List.copyOf(anomalies);
  }

  @Override
  public synchronized String toString() {
    return "expectations{" + entries + " acknowledged entries, " + latest.size() + " inodes, " + anomalies.size()
        + " anomalies}";
  }
}
