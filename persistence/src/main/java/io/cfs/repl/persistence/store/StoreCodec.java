package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.SiteIds;
import io.cfs.repl.model.entry.Version;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SortedMap;

/**
 * Keys and values of the store's column families, big-endian throughout.
 * <ul>
 *   <li>inodes: key inode id (8); value: format (1) = 2, shard (4), hlc (8), origin site (2-byte length + UTF-8),
 *       op code (1), tombstone (1), schemaVersion (4), payload (4-byte length + bytes), seq (8), seen and knowledge
 *       ({@link Seen#encode} each). Format 1 (values written before conflicts were detected) ends after the payload
 *       and reads as seq 0, nothing seen or known beyond the version;</li>
 *   <li>origin-watermarks: key origin site (2-byte length + UTF-8); value: count (4), then per shard in shard order
 *       shard (4) and highest applied seq (8), so an apply rewrites one value of 12 bytes per shard the origin has
 *       used (772 at 64 shards), not a key per shard it touched;</li>
 *   <li>watermarks (the former format, before 2026-12-07; read at open, moved, left empty): key origin site then
 *       shard (4), so one origin's keys share a prefix; value: highest applied seq (8);</li>
 *   <li>conflicts: key conflict id (8), so iteration is in recording order; value: format (1) = 1, wall clock millis
 *       (8), inode id (8), shard (4), local version (hlc 8, site 2 + n), local seq (8), local knowledge (vector),
 *       remote version, remote seq, remote seen (vector), concurrent (1);</li>
 *   <li>tombstones (an index of the tombstones written, for their collection): key origin site as in a watermark
 *       key, shard (4), seq (8), inode id (8), so one origin's shard is a range in seq order; empty value.</li>
 * </ul>
 */
final class StoreCodec {
  private static final byte FORMAT_V1 = 1;
  private static final byte FORMAT = 2;
  private static final byte CONFLICT_FORMAT = 1;

  private StoreCodec() {
  }

  static byte[] longKey(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** Appends {@link #longKey}'s bytes at the buffer's position. */
  static void longKey(long value, ByteBuffer out) {
    out.putLong(value);
  }

  static long longOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  static byte[] encodeValue(StoredValue v) {
    ByteBuffer out = ByteBuffer.allocate(valueSize(v));
    encodeValue(v, out);
    return out.array();
  }

  /** The exact size of the value's encoding. */
  static int valueSize(StoredValue v) {
    return 1 + 4 + 8 + 2 + SiteIds.utf8(v.version().originSite()).length + 1 + 1 + 4 + 4 + v.payload().length + 8
        + v.seen().encodedSize() + v.knowledge().encodedSize();
  }

  /** Appends the value's encoding at the buffer's position; {@link #valueSize} bytes must remain. */
  static void encodeValue(StoredValue v, ByteBuffer out) {
    byte[] site = SiteIds.utf8(v.version().originSite());
    out.put(FORMAT).putInt(v.shard()).putLong(v.version().hlc()).putShort((short) site.length).put(site)
        .put((byte) v.op().code()).put((byte) (v.tombstone() ? 1 : 0)).putInt(v.schemaVersion())
        .putInt(v.payload().length).put(v.payload()).putLong(v.seq());
    v.seen().encode(out);
    v.knowledge().encode(out);
  }

  static StoredValue decodeValue(long inodeId, byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte format = in.get();
      if (format != FORMAT && format != FORMAT_V1) {
        throw new StorageException("unsupported inode value format " + format + " of " + inodeId);
      }
      int shard = in.getInt();
      Version version = new Version(in.getLong(), readSite(in));
      Op op = Op.fromCode(Byte.toUnsignedInt(in.get()));
      boolean tombstone = in.get() != 0;
      int schemaVersion = in.getInt();
      byte[] payload = new byte[in.getInt()];
      in.get(payload);
      if (format == FORMAT_V1) return new StoredValue(inodeId, shard, version, op, tombstone, schemaVersion, payload);
      long seq = in.getLong();
      Seen seen = Seen.decode(in);
      return new StoredValue(inodeId, shard, version, op, tombstone, schemaVersion, payload, seq, seen,
          Seen.decode(in));
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new StorageException("corrupt value of inode " + inodeId, e);
    }
  }

  /**
   * What last-write-wins needs of a value ({@link ApplyPlan.Held}), read without copying the payload: the journal
   * asks what the site knows of every entry it takes.
   */
  static ApplyPlan.Held heldOf(long inodeId, byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte format = in.get();
      if (format != FORMAT && format != FORMAT_V1) {
        throw new StorageException("unsupported inode value format " + format + " of " + inodeId);
      }
      in.position(in.position() + 4);
      Version version = new Version(in.getLong(), readSite(in));
      in.position(in.position() + 1 + 1 + 4);
      int payloadLength = in.getInt();
      in.position(in.position() + payloadLength);
      if (format == FORMAT_V1) return new ApplyPlan.Held(version, 0, Seen.NONE, Seen.NONE);
      long seq = in.getLong();
      Seen seen = Seen.decode(in);
      return new ApplyPlan.Held(version, seq, seen, Seen.decode(in));
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new StorageException("corrupt value of inode " + inodeId, e);
    }
  }

  static byte[] watermarkPrefix(String site) {
    byte[] bytes = SiteIds.utf8(site);
    return ByteBuffer.allocate(2 + bytes.length).putShort((short) bytes.length).put(bytes).array();
  }

  /** The key of every watermark of an origin. */
  static byte[] watermarksKey(String site) {
    return watermarkPrefix(site);
  }

  static byte[] encodeWatermarks(SortedMap<Integer, Long> shards) {
    ByteBuffer out = ByteBuffer.allocate(4 + shards.size() * (4 + 8)).putInt(shards.size());
    shards.forEach((shard, seq) -> out.putInt(shard).putLong(seq));
    return out.array();
  }

  /** Puts each shard's seq into {@code into}, unless it holds a higher one (watermarks only grow). */
  static void decodeWatermarks(String origin, byte[] value, Map<Integer, Long> into) {
    ByteBuffer in = ByteBuffer.wrap(value);
    int count = value.length < 4 ? -1 : in.getInt();
    if (count < 0 || in.remaining() != (long) count * (4 + 8)) {
      throw new StorageException("corrupt watermarks of origin " + origin + ": " + value.length + " bytes, "
          + (count < 0 ? "no shard count" : count + " shards"));
    }
    for (int i = 0; i < count; i++) into.merge(in.getInt(), in.getLong(), Math::max);
  }

  /**
   * A key of the former column: a shard's seq (the format before 2026-12-07), or all of the origin's in one value (as
   * two builds of that day wrote there before the values moved to a column of their own). Into {@code into}, the
   * higher seq winning.
   */
  static void decodeFormerWatermark(String origin, byte[] key, byte[] value, Map<Integer, Long> into) {
    int prefix = watermarkPrefix(origin).length;
    if (key.length == prefix) {
      decodeWatermarks(origin, value, into);
    } else if (key.length == prefix + 4 && value.length == Long.BYTES) {
      into.merge(watermarkShard(key), longOf(value), Math::max);
    } else {
      throw new StorageException("corrupt watermark of origin " + origin + ": a key of " + key.length
          + " bytes with a value of " + value.length);
    }
  }

  /** A key of the former format, one shard per key. */
  static byte[] watermarkKey(String site, int shard) {
    byte[] prefix = watermarkPrefix(site);
    return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(shard).array();
  }

  static String watermarkSite(byte[] key) {
    return readSite(ByteBuffer.wrap(key));
  }

  static int watermarkShard(byte[] key) {
    return ByteBuffer.wrap(key).getInt(key.length - 4);
  }

  /** The key of an origin's incarnation: the origin as in a watermark key, without a shard. */
  static byte[] incarnationKey(String origin) {
    return watermarkPrefix(origin);
  }

  /** The index key of a tombstone: origin as in a watermark key, shard (4), seq (8), inode (8). */
  static byte[] tombstoneKey(String origin, int shard, long seq, long inodeId) {
    byte[] prefix = watermarkPrefix(origin);
    return ByteBuffer.allocate(prefix.length + 4 + 8 + 8).put(prefix).putInt(shard).putLong(seq).putLong(inodeId)
        .array();
  }

  /** The shard of a tombstone index key. */
  static int tombstoneShard(byte[] key) {
    return ByteBuffer.wrap(key).getInt(key.length - 20);
  }

  /** The seq of a tombstone index key. */
  static long tombstoneSeq(byte[] key) {
    return ByteBuffer.wrap(key).getLong(key.length - 16);
  }

  /** The inode of a tombstone index key. */
  static long tombstoneInode(byte[] key) {
    return ByteBuffer.wrap(key).getLong(key.length - 8);
  }

  static byte[] encodeIncarnation(java.util.UUID id) {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
  }

  static java.util.UUID decodeIncarnation(byte[] value) {
    if (value.length != 16) throw new StorageException("corrupt incarnation: " + value.length + " bytes, not 16");
    ByteBuffer in = ByteBuffer.wrap(value);
    return new java.util.UUID(in.getLong(), in.getLong());
  }

  static byte[] encodeConflict(WriteConflict c) {
    byte[] localSite = SiteIds.utf8(c.local().originSite());
    byte[] remoteSite = SiteIds.utf8(c.remote().originSite());
    ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 4 + 2 * (8 + 2 + 8) + localSite.length + remoteSite.length
        + c.localKnew().encodedSize() + c.remoteSeen().encodedSize() + 1);
    out.put(CONFLICT_FORMAT).putLong(c.atMillis()).putLong(c.inodeId()).putInt(c.shard())
        .putLong(c.local().hlc()).putShort((short) localSite.length).put(localSite).putLong(c.localSeq());
    c.localKnew().encode(out);
    out.putLong(c.remote().hlc()).putShort((short) remoteSite.length).put(remoteSite).putLong(c.remoteSeq());
    c.remoteSeen().encode(out);
    out.put((byte) (c.concurrent() ? 1 : 0));
    return out.array();
  }

  /** When the conflict was recorded, read without decoding the rest. */
  static long conflictAtMillis(byte[] bytes) {
    if (bytes.length < 9 || bytes[0] != CONFLICT_FORMAT) throw new StorageException("corrupt conflict record");
    return ByteBuffer.wrap(bytes, 1, 8).getLong();
  }

  static WriteConflict decodeConflict(long id, byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte format = in.get();
      if (format != CONFLICT_FORMAT) throw new StorageException("unsupported conflict format " + format + " of " + id);
      long atMillis = in.getLong();
      long inodeId = in.getLong();
      int shard = in.getInt();
      Version local = new Version(in.getLong(), readSite(in));
      long localSeq = in.getLong();
      Seen localKnew = Seen.decode(in);
      Version remote = new Version(in.getLong(), readSite(in));
      long remoteSeq = in.getLong();
      Seen remoteSeen = Seen.decode(in);
      return new WriteConflict(id, atMillis, inodeId, shard, local, localSeq, localKnew, remote, remoteSeq, remoteSeen,
          in.get() != 0);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new StorageException("corrupt conflict record " + id, e);
    }
  }

  /**
   * The site's canonical instance, as entries carry it: every value an apply reads names its site, and a new String
   * each time was an allocation and a hash computed afresh for the plan's lookups by site.
   */
  private static String readSite(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    if (length > in.remaining()) throw new BufferUnderflowException();
    String site = SiteIds.decode(in.array(), in.arrayOffset() + in.position(), length);
    in.position(in.position() + length);
    return site;
  }
}
