package io.cfs.repl.admin.tools.workload;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.HybridClock;
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
  private final Record record = new Record();

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

  /**
   * The record, repeated to the payload's size. Written as bytes (the same as building the JSON string and encoding
   * it): the load process shares the box with the nodes it measures, and string building was a third of its CPU.
   */
  private byte[] payload(long inode, Op op) {
    record.reset();
    record.ascii("{\"ino\":").number(inode).ascii(",\"op\":\"").ascii(op.name())
        .ascii("\",\"mode\":33188,\"uid\":1000,\"gid\":1000,\"size\":").number(random.nextInt(1 << 20))
        .ascii(",\"mtime\":").number(System.currentTimeMillis()).ascii(",\"name\":\"f").number(inode).ascii("\"}");
    byte[] out = new byte[shape.payloadBytes()];
    for (int at = 0; at < out.length; at += record.length) {
      System.arraycopy(record.bytes, 0, out, at, Math.min(record.length, out.length - at));
    }
    return out;
  }

  /** An ASCII record built in place. */
  private static final class Record {
    final byte[] bytes = new byte[256];
    int length;

    void reset() {
      length = 0;
    }

    Record ascii(String s) {
      for (int i = 0; i < s.length(); i++) bytes[length++] = (byte) s.charAt(i);
      return this;
    }

    /** {@code v} >= 0 in decimal. */
    Record number(long v) {
      int start = length;
      do {
        bytes[length++] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v != 0);
      for (int i = start, j = length - 1; i < j; i++, j--) {
        byte b = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = b;
      }
      return this;
    }
  }
}
