package io.cfs.repl.admin.workload;

import io.cfs.repl.model.hlc.HybridClock;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes entries the way a metadata service would: per shard dense seqs from where the journal stands, hlc
 * timestamps, an inode whose shard is fixed by its id, an op mix dominated by writes and setattrs, and a payload
 * shaped like an inode record (so compression sees realistic data). Not thread-safe: one per generator.
 */
public final class EntryFactory {
  private static final Op[] OPS = {Op.WRITE, Op.WRITE, Op.WRITE, Op.SETATTR, Op.SETATTR, Op.CREATE, Op.RENAME,
      Op.SETXATTR, Op.TRUNCATE, Op.UNLINK};

  private final WorkloadSpec spec;
  private final long[] nextSeq;
  private final SplittableRandom random;
  private final HybridClock clock = new HybridClock();

  /** @param heads the journal's current head seq per shard, so a restarted generator continues without gap */
  public EntryFactory(WorkloadSpec spec, java.util.function.IntToLongFunction heads) {
    this.spec = spec;
    this.nextSeq = new long[spec.shards()];
    for (int s = 0; s < spec.shards(); s++) nextSeq[s] = heads.applyAsLong(s) + 1;
    this.random = new SplittableRandom(spec.seed());
  }

  public List<JournalEntry> next(int n) {
    List<JournalEntry> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long inode = 1 + random.nextLong(spec.inodes());
      int shard = (int) (inode % spec.shards());
      Op op = OPS[random.nextInt(OPS.length)];
      batch.add(JournalEntry.of(spec.site(), shard, nextSeq[shard]++, clock.tick(), op, inode, 1,
          payload(inode, op)));
    }
    return batch;
  }

  private byte[] payload(long inode, Op op) {
    String record = "{\"ino\":" + inode + ",\"op\":\"" + op + "\",\"mode\":33188,\"uid\":1000,\"gid\":1000,"
        + "\"size\":" + random.nextInt(1 << 20) + ",\"mtime\":" + System.currentTimeMillis() + ",\"name\":\"f"
        + inode + "\"}";
    byte[] base = record.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[spec.payloadBytes()];
    for (int i = 0; i < out.length; i++) out[i] = base[i % base.length];
    return out;
  }
}
