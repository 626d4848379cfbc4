package io.cfs.repl.admin.tools.workload;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.HybridClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;

/**
 * The one generator of synthetic entries (load, bench, demo, the multi-process tests), made the way a metadata
 * service would: per shard dense seqs from where the journal stands, hlc timestamps, an inode whose shard is fixed by
 * its id, an op mix dominated by writes and setattrs with a tenth of deletes, and a payload shaped like an inode
 * record (so compression sees realistic data). Not thread-safe: one per writer.
 */
public final class EntryFactory {
  private static final Op[] OPS = {Op.WRITE, Op.WRITE, Op.WRITE, Op.SETATTR, Op.SETATTR, Op.CREATE, Op.RENAME,
      Op.SETXATTR, Op.TRUNCATE, Op.UNLINK};

  private final EntryShape shape;
  private final long[] nextSeq;
  private final SplittableRandom random;
  private final HybridClock clock = new HybridClock();

  /** @param heads the journal's current head seq per shard, so a restarted generator continues without gap */
  public EntryFactory(EntryShape shape, IntToLongFunction heads) {
    this.shape = shape;
    this.nextSeq = new long[shape.shards()];
    for (int s = 0; s < shape.shards(); s++) nextSeq[s] = heads.applyAsLong(s) + 1;
    this.random = new SplittableRandom(shape.seed());
  }

  /** Moves this writer's clock past the site's, as answered with an append: what it stamps next is later. */
  public void observe(long siteHlc) {
    clock.observe(siteHlc);
  }

  public List<JournalEntry> next(int n) {
    List<JournalEntry> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long inode = shape.firstInode() + random.nextLong(shape.inodes());
      int shard = (int) (inode % shape.shards());
      Op op = OPS[random.nextInt(OPS.length)];
      batch.add(JournalEntry.of(shape.site(), shard, nextSeq[shard]++, clock.tick(), op, inode, 1,
          payload(inode, op)));
    }
    return batch;
  }

  private byte[] payload(long inode, Op op) {
    String record = "{\"ino\":" + inode + ",\"op\":\"" + op + "\",\"mode\":33188,\"uid\":1000,\"gid\":1000,"
        + "\"size\":" + random.nextInt(1 << 20) + ",\"mtime\":" + System.currentTimeMillis() + ",\"name\":\"f"
        + inode + "\"}";
    byte[] base = record.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[shape.payloadBytes()];
    for (int i = 0; i < out.length; i++) out[i] = base[i % base.length];
    return out;
  }
}
