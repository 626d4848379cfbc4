package io.cfs.repl.model.entry;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary layout of a {@link JournalEntry}: how the journal stores it and how ingest and transport may carry it.
 *
 * <p>Format version 1 (an entry of epoch 0), all integers big-endian, {@code n} = UTF-8 length of the origin site,
 * {@code m} = payload length:
 * <pre>
 * offset   size  field
 * 0        1     format version, = 1 (2: see below)
 * 1        2     n, unsigned
 * 3        n     originSite, UTF-8
 * 3+n      4     shard
 * 7+n      8     seq
 * 15+n     8     hlc
 * 23+n     1     op, unsigned ({@link Op#code()})
 * 24+n     8     inodeId
 * 32+n     4     schemaVersion
 * 36+n     4     m, >= 0
 * 40+n     m     payload
 * 40+n+m   4     crc ({@link JournalEntry#computeCrc})
 * </pre>
 * Total {@code 44 + n + m} bytes.
 *
 * <p>Format version 2 (an entry stamped with an epoch other than 0): format 1 with version byte 2, followed by
 * <pre>
 * 44+n+m   8     epoch, >= 0 (not covered by the crc: see {@link JournalEntry})
 * </pre>
 * Total {@code 52 + n + m} bytes. Encoding writes format 1 for an entry of epoch 0 and format 2 otherwise, so entries
 * written with no failover are stored exactly as before epochs existed and the ingest format (1) is unchanged;
 * decoding reads both, format 1 as epoch 0.
 *
 * <p>Format version 3 (an entry stamped with a non-empty {@link Seen} vector): format 2 with version byte 3, followed
 * by the vector ({@link Seen#encode}: a count byte, then per site a 2-byte UTF-8 length, the site and an 8-byte hlc).
 * Not covered by the crc either. Entries of inodes only their origin writes never need it.
 *
 * <p>Decoding goes through the {@link JournalEntry} constructor, so a decoded entry has passed the same checks, CRC
 * included, as a built one; any malformed input raises {@link InvalidEntryException}. The CRC does not cover the
 * epoch: a corrupted epoch is caught only when it turns negative (on disk RocksDB's block checksums cover it; on a
 * link, TCP's).
 */
public final class EntryCodec {
  /** The format of an entry of epoch 0, and the one ingest clients send. */
  public static final byte FORMAT_VERSION = 1;
  /** The format of an entry stamped with an epoch other than 0: format 1 followed by the epoch. */
  public static final byte FORMAT_VERSION_WITH_EPOCH = 2;
  /** The format of an entry stamped with what its origin had seen of the inode: format 2 followed by the vector. */
  public static final byte FORMAT_VERSION_WITH_SEEN = 3;

  private static final int FIXED_BYTES = 44;
  private static final int EPOCH_BYTES = 8;
  // UTF-8 needs at most 4 bytes a char; refusing longer lengths early avoids allocating from a corrupt length.
  private static final int MAX_SITE_BYTES = 4 * JournalEntry.MAX_SITE_ID_LENGTH;

  private EntryCodec() {
  }

  /** Exact encoded size of the entry. */
  public static int encodedSize(JournalEntry entry) {
    return fixedBytes(entry) + SiteIds.utf8(entry.originSite()).length + entry.payload().length;
  }

  private static int fixedBytes(JournalEntry entry) {
    return switch (format(entry)) {
      case FORMAT_VERSION -> FIXED_BYTES;
      case FORMAT_VERSION_WITH_EPOCH -> FIXED_BYTES + EPOCH_BYTES;
      default -> FIXED_BYTES + EPOCH_BYTES + entry.seen().encodedSize();
    };
  }

  private static byte format(JournalEntry entry) {
    if (!entry.seen().isEmpty()) return FORMAT_VERSION_WITH_SEEN;
    return entry.epoch() == 0 ? FORMAT_VERSION : FORMAT_VERSION_WITH_EPOCH;
  }

  public static byte[] encode(JournalEntry entry) {
    byte[] site = SiteIds.utf8(entry.originSite());
    ByteBuffer out = ByteBuffer.allocate(fixedBytes(entry) + site.length + entry.payload().length);
    write(entry, site, out);
    return out.array();
  }

  /** Appends the encoding at the buffer's position; the buffer must have {@link #encodedSize} bytes remaining. */
  public static void encode(JournalEntry entry, ByteBuffer out) {
    write(entry, SiteIds.utf8(entry.originSite()), out);
  }

  /** Decodes exactly one entry; trailing bytes are an error. */
  public static JournalEntry decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    JournalEntry entry = decode(in);
    if (in.hasRemaining()) {
      throw new InvalidEntryException(in.remaining() + " trailing bytes after entry " + entry.shard() + "/" + entry.seq());
    }
    return entry;
  }

  /** Decodes one entry at the buffer's position and advances past it. */
  public static JournalEntry decode(ByteBuffer in) {
    try {
      byte version = in.get();
      if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITH_EPOCH && version != FORMAT_VERSION_WITH_SEEN) {
        throw new InvalidEntryException("unsupported entry format version " + version);
      }
      int siteLength = Short.toUnsignedInt(in.getShort());
      if (siteLength > MAX_SITE_BYTES) throw new InvalidEntryException("site id of " + siteLength + " bytes");
      String site = site(in, siteLength);
      int shard = in.getInt();
      long seq = in.getLong();
      long hlc = in.getLong();
      Op op = Op.fromCode(Byte.toUnsignedInt(in.get()));
      long inodeId = in.getLong();
      int schemaVersion = in.getInt();
      int payloadLength = in.getInt();
      int trailer = version == FORMAT_VERSION ? 4 : version == FORMAT_VERSION_WITH_EPOCH ? 4 + EPOCH_BYTES
          : 4 + EPOCH_BYTES + 1;
      if (payloadLength < 0 || payloadLength > in.remaining() - trailer) {
        throw new InvalidEntryException("payload length " + payloadLength + " with " + in.remaining() + " bytes left");
      }
      byte[] payload = new byte[payloadLength];
      in.get(payload);
      int crc = in.getInt();
      long epoch = version == FORMAT_VERSION ? 0 : in.getLong();
      Seen seen = version == FORMAT_VERSION_WITH_SEEN ? Seen.decode(in) : Seen.NONE;
      return new JournalEntry(site, shard, seq, hlc, op, inodeId, schemaVersion,
          payload, crc, epoch, seen);
    } catch (BufferUnderflowException e) {
      throw new InvalidEntryException("truncated entry");
    }
  }

  private static String site(ByteBuffer in, int length) {
    if (length > in.remaining()) throw new InvalidEntryException("truncated entry");
    if (in.hasArray()) {
      String site = SiteIds.decode(in.array(), in.arrayOffset() + in.position(), length);
      in.position(in.position() + length);
      return site;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return SiteIds.decode(bytes, 0, length);
  }

  private static void write(JournalEntry e, byte[] site, ByteBuffer out) {
    byte format = format(e);
    out.put(format)
        .putShort((short) site.length)
        .put(site)
        .putInt(e.shard())
        .putLong(e.seq())
        .putLong(e.hlc())
        .put((byte) e.op().code())
        .putLong(e.inodeId())
        .putInt(e.schemaVersion())
        .putInt(e.payload().length)
        .put(e.payload())
        .putInt(e.crc());
    if (format != FORMAT_VERSION) out.putLong(e.epoch());
    if (format == FORMAT_VERSION_WITH_SEEN) e.seen().encode(out);
  }
}
