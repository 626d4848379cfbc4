package io.cfs.repl.it.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The ingest endpoint's binary batch ({@code application/x-cfs-entries}, layout version 1), written from the README's
 * description alone, as a client in another language would: big-endian, CRC-32C over the fields with the op code as
 * four bytes.
 */
final class BinaryBatch {
  static final String MEDIA_TYPE = "application/x-cfs-entries";
  private static final byte[] MAGIC = "CFSB".getBytes(StandardCharsets.US_ASCII);
  private static final byte LAYOUT_VERSION = 1;
  private static final byte ENTRY_FORMAT = 1;
  private static final List<String> OPS = List.of("CREATE", "UNLINK", "RENAME", "WRITE", "TRUNCATE", "SETATTR", "LINK",
      "SYMLINK", "MKDIR", "SETXATTR", "REMOVEXATTR", "RMDIR");

  private BinaryBatch() {
  }

  static byte[] encode(List<IngestEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.write(LAYOUT_VERSION);
    out.writeBytes(ByteBuffer.allocate(4).putInt(entries.size()).array());
    for (IngestEntry e : entries) {
      byte[] entry = entry(e);
      out.writeBytes(ByteBuffer.allocate(4).putInt(entry.length).array());
      out.writeBytes(entry);
    }
    return out.toByteArray();
  }

  private static byte[] entry(IngestEntry e) {
    byte[] site = e.originSite().getBytes(StandardCharsets.UTF_8);
    byte[] payload = Base64.getDecoder().decode(e.payload());
    int op = OPS.indexOf(e.op());
    if (op < 0) throw new IllegalArgumentException("unknown op " + e.op());
    CRC32C crc = new CRC32C();
    crc.update(site);
    crc.update(ByteBuffer.allocate(4 + 8 + 8 + 4 + 8 + 4).putInt(e.shard()).putLong(e.seq()).putLong(e.hlc())
        .putInt(op).putLong(e.inodeId()).putInt(e.schemaVersion()).array());
    crc.update(payload);
    return ByteBuffer.allocate(44 + site.length + payload.length)
        .put(ENTRY_FORMAT).putShort((short) site.length).put(site)
        .putInt(e.shard()).putLong(e.seq()).putLong(e.hlc()).put((byte) op).putLong(e.inodeId())
        .putInt(e.schemaVersion()).putInt(payload.length).put(payload).putInt((int) crc.getValue())
        .array();
  }
}
