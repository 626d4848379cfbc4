package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys and values of the store's column families, big-endian throughout.
 * <ul>
 *   <li>inodes: key inode id (8); value: format (1) = 1, shard (4), hlc (8), origin site (2-byte length + UTF-8),
 *       op code (1), tombstone (1), schemaVersion (4), payload (4-byte length + bytes);</li>
 *   <li>watermarks: key origin site (2-byte length + UTF-8) then shard (4), so one origin's keys share a prefix;
 *       value: highest applied seq (8);</li>
 *   <li>losers: key append counter (8), so iteration is in recording order; value: inode id (8), shard (4), loser
 *       version and winner version (hlc 8, site 2 + n each), wall clock millis (8).</li>
 * </ul>
 */
final class StoreCodec {
  private static final byte FORMAT = 1;

  private StoreCodec() {
  }

  static byte[] longKey(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  static long longOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  static byte[] encodeValue(StoredValue v) {
    byte[] site = utf8(v.version().originSite());
    ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 + 2 + site.length + 1 + 1 + 4 + 4 + v.payload().length);
    out.put(FORMAT).putInt(v.shard()).putLong(v.version().hlc()).putShort((short) site.length).put(site)
        .put((byte) v.op().code()).put((byte) (v.tombstone() ? 1 : 0)).putInt(v.schemaVersion())
        .putInt(v.payload().length).put(v.payload());
    return out.array();
  }

  static StoredValue decodeValue(long inodeId, byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte format = in.get();
      if (format != FORMAT) throw new StorageException("unsupported inode value format " + format + " of " + inodeId);
      int shard = in.getInt();
      Version version = new Version(in.getLong(), readSite(in));
      Op op = Op.fromCode(Byte.toUnsignedInt(in.get()));
      boolean tombstone = in.get() != 0;
      int schemaVersion = in.getInt();
      byte[] payload = new byte[in.getInt()];
      in.get(payload);
      return new StoredValue(inodeId, shard, version, op, tombstone, schemaVersion, payload);
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new StorageException("corrupt value of inode " + inodeId, e);
    }
  }

  static byte[] watermarkPrefix(String site) {
    byte[] bytes = utf8(site);
    return ByteBuffer.allocate(2 + bytes.length).putShort((short) bytes.length).put(bytes).array();
  }

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

  static byte[] encodeIncarnation(java.util.UUID id) {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
  }

  static java.util.UUID decodeIncarnation(byte[] value) {
    if (value.length != 16) throw new StorageException("corrupt incarnation: " + value.length + " bytes, not 16");
    ByteBuffer in = ByteBuffer.wrap(value);
    return new java.util.UUID(in.getLong(), in.getLong());
  }

  static byte[] encodeLoser(LwwLoser l) {
    byte[] loserSite = utf8(l.loser().originSite());
    byte[] winnerSite = utf8(l.winner().originSite());
    ByteBuffer out = ByteBuffer.allocate(8 + 4 + 2 * (8 + 2) + loserSite.length + winnerSite.length + 8);
    out.putLong(l.inodeId()).putInt(l.shard())
        .putLong(l.loser().hlc()).putShort((short) loserSite.length).put(loserSite)
        .putLong(l.winner().hlc()).putShort((short) winnerSite.length).put(winnerSite)
        .putLong(l.appliedAtMillis());
    return out.array();
  }

  static LwwLoser decodeLoser(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      long inodeId = in.getLong();
      int shard = in.getInt();
      Version loser = new Version(in.getLong(), readSite(in));
      Version winner = new Version(in.getLong(), readSite(in));
      return new LwwLoser(inodeId, shard, loser, winner, in.getLong());
    } catch (BufferUnderflowException e) {
      throw new StorageException("corrupt LWW loser record", e);
    }
  }

  private static String readSite(ByteBuffer in) {
    byte[] site = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(site);
    return new String(site, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
