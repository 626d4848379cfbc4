package io.cfs.repl.persistence.audit;

import io.cfs.repl.persistence.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RocksDB layout of audit records, big-endian throughout.
 * <ul>
 *   <li>key: atMillis (8) then id (8), so keys sort by time then id (both >= 0) and a time range is a key range;</li>
 *   <li>value, layout 1: layout (1) = 1, kind name, site, then peer, inode (8), shard (4) and seq (8) each behind a
 *       presence byte (0 absent, 1 present), detail, attribute count (2) and each attribute's key and value. Every
 *       text is a 2-byte length and UTF-8. The kind is stored by name, so kinds are added without a new layout.</li>
 * </ul>
 * A new layout gets a new number and this class keeps reading the old ones.
 */
final class AuditCodec {
  static final byte LAYOUT = 1;
  static final int KEY_BYTES = 16;

  private AuditCodec() {
  }

  static byte[] key(long atMillis, long id) {
    return ByteBuffer.allocate(KEY_BYTES).putLong(atMillis).putLong(id).array();
  }

  static AuditCursor position(byte[] key) {
    ByteBuffer in = ByteBuffer.wrap(key);
    return new AuditCursor(in.getLong(), in.getLong());
  }

  static byte[] encode(AuditRecord r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + r.detail().length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(LAYOUT);
      text(out, r.kind().name());
      text(out, r.site());
      out.writeBoolean(r.peer() != null);
      if (r.peer() != null) text(out, r.peer());
      out.writeBoolean(r.inode() != null);
      if (r.inode() != null) out.writeLong(r.inode());
      out.writeBoolean(r.shard() != null);
      if (r.shard() != null) out.writeInt(r.shard());
      out.writeBoolean(r.seq() != null);
      if (r.seq() != null) out.writeLong(r.seq());
      text(out, r.detail());
      out.writeShort(r.attributes().size());
      for (Map.Entry<String, String> a : r.attributes().entrySet()) {
        text(out, a.getKey());
        text(out, a.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** The record stored under {@code key}; null when its kind is one this version does not know. */
  static AuditRecord decode(byte[] key, byte[] value) {
    AuditCursor at = position(key);
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      byte layout = in.get();
      if (layout != LAYOUT) throw new StorageException("unsupported audit record layout " + layout + " at " + at);
      String kindName = text(in);
      String site = text(in);
      String peer = in.get() != 0 ? text(in) : null;
      Long inode = in.get() != 0 ? in.getLong() : null;
      Integer shard = in.get() != 0 ? in.getInt() : null;
      Long seq = in.get() != 0 ? in.getLong() : null;
      String detail = text(in);
      int count = Short.toUnsignedInt(in.getShort());
      Map<String, String> attributes = new TreeMap<>();
      for (int i = 0; i < count; i++) attributes.put(text(in), text(in));
      if (in.hasRemaining()) throw new StorageException("trailing bytes after the audit record at " + at);
      return AuditKind.named(kindName)
          .map(kind -> new AuditRecord(at.id(), at.atMillis(), kind, site, peer, inode, shard, seq, detail,
              attributes))
          .orElse(null);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new StorageException("corrupt audit record at " + at, e);
    }
  }

  private static void text(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) throw new IllegalArgumentException("text of " + utf8.length + " bytes in an audit record");
    out.writeShort(utf8.length);
    out.write(utf8);
  }

  private static String text(ByteBuffer in) {
    byte[] utf8 = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
