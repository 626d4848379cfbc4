package io.cfs.repl.admin.wire;

import io.cfs.repl.model.entry.BadCrcException;
import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.InvalidEntryException;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.shard.ShardPosition;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary batch: body of {@code POST /journal/entries} with Content-Type {@value #MEDIA_TYPE}, and every binary
 * message of {@code /journal/stream}. Layout version 1, integers big-endian:
 * <pre>
 * offset  size  field
 * 0       4     magic "CFSB" (0x43 0x46 0x53 0x42)
 * 4       1     layout version, = 1
 * 5       4     count of entries, unsigned
 * 9       ...   count times: 4-byte unsigned length L, then L bytes of one entry in {@link EntryCodec} format 1
 * </pre>
 * (An entry in EntryCodec format 2, the journal's form of an entry stamped with an epoch, is read too; its epoch is
 * ignored: the node stamps the epoch it admits the append in.)
 * Nothing may follow the last entry. The per-entry length lets a reader name the shard and seq of an entry it
 * cannot decode, and lets the entry format grow without breaking the framing.
 */
public final class BinaryBatch {
  public static final String MEDIA_TYPE = "application/x-cfs-entries";
  public static final int HEADER_BYTES = 9;
  private static final int MAGIC = 0x43465342;
  private static final byte VERSION = 1;

  private BinaryBatch() {
  }

  public static byte[] encode(List<JournalEntry> entries) {
    int size = HEADER_BYTES;
    for (JournalEntry e : entries) size += 4 + EntryCodec.encodedSize(e);
    ByteBuffer out = ByteBuffer.allocate(size).putInt(MAGIC).put(VERSION).putInt(entries.size());
    for (JournalEntry e : entries) {
      out.putInt(EntryCodec.encodedSize(e));
      EntryCodec.encode(e, out);
    }
    return out.array();
  }

  /** Decodes a whole batch, or throws an {@link IngestRejection} naming the first entry it cannot take. */
  public static List<JournalEntry> decode(ByteBuffer in, int maxEntries) {
    if (in.remaining() < HEADER_BYTES) {
      throw IngestRejection.malformed(in.remaining() + " bytes, shorter than the batch header", null, null);
    }
    int magic = in.getInt();
    if (magic != MAGIC) throw IngestRejection.malformed(String.format("bad magic %08x", magic), null, null);
    byte version = in.get();
    if (version != VERSION) throw IngestRejection.malformed("unsupported batch layout version " + version, null, null);
    long count = Integer.toUnsignedLong(in.getInt());
    if (count > maxEntries) {
      ShardPosition first = in.remaining() >= 4 ? peek(in.slice(in.position() + 4, in.remaining() - 4)) : null;
      throw IngestRejection.batchTooLarge(count > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) count, maxEntries,
          first == null ? null : first.shard(), first == null ? null : first.seq());
    }
    // sized by what the body can hold (each entry takes its 4-byte length at least), not by what its count claims
    List<JournalEntry> entries = new ArrayList<>((int) Math.min(count, in.remaining() / 4));
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 4) {
        throw IngestRejection.malformed("entry " + i + " of " + count + " is missing", null, null);
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        ShardPosition id = peek(in.slice());
        throw IngestRejection.malformed("entry " + i + " has length " + length + " with " + in.remaining()
            + " bytes left", id == null ? null : id.shard(), id == null ? null : id.seq());
      }
      entries.add(decodeEntry(in.slice(in.position(), (int) length), i));
      in.position(in.position() + (int) length);
    }
    if (in.hasRemaining()) {
      throw IngestRejection.malformed(in.remaining() + " bytes after the last of " + count + " entries", null, null);
    }
    return entries;
  }

  /** {@code bytes} holds exactly the entry, from position 0. */
  private static JournalEntry decodeEntry(ByteBuffer bytes, int index) {
    JournalEntry entry;
    try {
      entry = EntryCodec.decode(bytes);
    } catch (InvalidEntryException e) {
      // only a refusal reads the entry's shard and seq apart from its decoding: every entry of every batch did
      ShardPosition id = peek(bytes.rewind());
      if (id != null && e instanceof BadCrcException) {
        throw IngestRejection.badCrc(id.shard(), id.seq(), "entry " + index + ": " + e.getMessage());
      }
      throw IngestRejection.malformed("entry " + index + ": " + e.getMessage(), id == null ? null : id.shard(),
          id == null ? null : id.seq());
    }
    if (bytes.hasRemaining()) {
      throw IngestRejection.malformed("entry " + index + " is followed by " + bytes.remaining()
          + " bytes within its length", entry.shard(), entry.seq());
    }
    return entry;
  }

  /** Shard and seq of an entry that may not decode, read at their EntryCodec offsets; null if cut short. */
  private static ShardPosition peek(ByteBuffer entry) {
    try {
      entry.get(); // format version
      int siteLength = Short.toUnsignedInt(entry.getShort());
      entry.position(entry.position() + siteLength);
      return new ShardPosition(entry.getInt(), entry.getLong());
    } catch (BufferUnderflowException | IllegalArgumentException cutShort) {
      return null;
    }
  }
}
