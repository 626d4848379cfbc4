package io.cfs.repl.model.entry;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * One metadata journal record, immutable.
 *
 * <p>Invariants (checked on construction, so a decoded entry is as trustworthy as a built one):
 * <ul>
 *   <li>{@code originSite} is a non-blank site id of at most {@link #MAX_SITE_ID_LENGTH} characters;</li>
 *   <li>{@code shard >= 0}, {@code seq >= 1} (seq is dense per (origin, shard), starting at 1), {@code hlc >= 0};</li>
 *   <li>{@code crc} is the CRC32C of every other field except the epoch ({@link #computeCrc}); a mismatch is
 *       rejected;</li>
 *   <li>{@code epoch >= 0}.</li>
 * </ul>
 * Payload size limits are policy, enforced by the journal on append, not here.
 *
 * <p>The epoch is the fencing generation of the site roles in which the origin site accepted the entry; 0 means
 * written with no epoch (before failover existed, or in active-active mode). It is not part of the entry's content:
 * the metadata service builds the entry and its CRC without knowing epochs, and the origin node stamps the epoch at
 * append ({@link #withEpoch}). So the CRC does not cover it, {@link #sameContent} ignores it (a retried append of an
 * entry already held is a duplicate whatever epoch each attempt was stamped with), and {@link #equals} compares it.
 *
 * <p>{@code seen} is what the origin knew of the inode when it took the entry (a {@link Seen} vector, kept
 * {@linkplain Seen#beyond beyond} the entry's own version, so empty for an inode only its origin writes): a site
 * applying the entry tells a concurrent write from a later one by it. Like the epoch, the origin stamps it at append,
 * the CRC does not cover it and {@link #sameContent} ignores it.
 */
public record JournalEntry(
    String originSite,
    int shard,
    long seq,
    long hlc,
    Op op,
    long inodeId,
    int schemaVersion,
    byte[] payload,
    int crc,
    long epoch,
    Seen seen) {

  public static final int MAX_SITE_ID_LENGTH = 64;
  /** The CRC's fixed fields, laid out per thread: every decoded entry checks its CRC. */
  private static final ThreadLocal<ByteBuffer> CRC_FIELDS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(4 + 8 + 8 + 4 + 8 + 4));

  public JournalEntry {
    if (epoch < 0) throw new InvalidEntryException("epoch must be >= 0, was " + epoch);
    validateSiteId(originSite);
    originSite = SiteIds.canonical(originSite);
    seen = seen == null ? Seen.NONE : seen.beyond(originSite, seq);
    if (shard < 0) throw new InvalidEntryException("shard must be >= 0, was " + shard);
    if (seq < 1) throw new InvalidEntryException("seq must be >= 1, was " + seq + " (shard " + shard + ")");
    if (hlc < 0) throw new InvalidEntryException("hlc must be >= 0, was " + hlc);
    if (op == null) throw new InvalidEntryException("op is required");
    if (payload == null) throw new InvalidEntryException("payload is required (may be empty)");
    int expected = computeCrc(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload);
    if (expected != crc) {
      throw new BadCrcException(String.format(
          "bad crc for %s shard %d seq %d: expected %08x, got %08x", originSite, shard, seq, expected, crc));
    }
  }

  /** An entry as stamped with an epoch, before anything was seen of its inode. */
  public JournalEntry(String originSite, int shard, long seq, long hlc, Op op, long inodeId, int schemaVersion,
                      byte[] payload, int crc, long epoch) {
    this(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload, crc, epoch, Seen.NONE);
  }

  /** An entry with no epoch (0), as the metadata service builds it. */
  public JournalEntry(String originSite, int shard, long seq, long hlc, Op op, long inodeId, int schemaVersion,
                      byte[] payload, int crc) {
    this(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload, crc, 0);
  }

  /** Builds an entry and stamps its CRC. */
  public static JournalEntry of(String originSite, int shard, long seq, long hlc, Op op, long inodeId,
                                int schemaVersion, byte[] payload) {
    validateSiteId(originSite);
    if (op == null) throw new InvalidEntryException("op is required");
    if (payload == null) throw new InvalidEntryException("payload is required (may be empty)");
    return new JournalEntry(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload,
        computeCrc(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload));
  }

  public static void validateSiteId(String site) {
    if (site == null || site.isBlank()) throw new InvalidEntryException("site id is required");
    if (site.length() > MAX_SITE_ID_LENGTH) {
      throw new InvalidEntryException("site id longer than " + MAX_SITE_ID_LENGTH + ": " + site);
    }
  }

  public static int computeCrc(String originSite, int shard, long seq, long hlc, Op op, long inodeId,
                               int schemaVersion, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(SiteIds.utf8(originSite));
    ByteBuffer fixed = CRC_FIELDS.get().clear();
    fixed.putInt(shard).putLong(seq).putLong(hlc).putInt(op.code()).putLong(inodeId).putInt(schemaVersion);
    crc.update(fixed.array(), 0, fixed.position());
    crc.update(payload);
    return (int) crc.getValue();
  }

  /** This entry stamped with {@code newEpoch} (this very entry if it already carries it); the CRC is unchanged. */
  public JournalEntry withEpoch(long newEpoch) {
    return newEpoch == epoch ? this
        : new JournalEntry(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload, crc, newEpoch, seen);
  }

  /** This entry stamped with what its origin knew of the inode (this very entry if nothing changes). */
  public JournalEntry withSeen(Seen knew) {
    Seen compact = knew.beyond(originSite, seq);
    return compact.equals(seen) ? this
        : new JournalEntry(originSite, shard, seq, hlc, op, inodeId, schemaVersion, payload, crc, epoch, compact);
  }

  /** The writes of this entry's inode that its writer had seen, this entry included. */
  public Seen seenWithSelf() {
    return seen.with(originSite, seq);
  }

  /** The version this entry gives the inode, compared for last-write-wins. */
  public Version version() {
    return new Version(hlc, originSite);
  }

  /** Approximate encoded size, used for batching by bytes. */
  public int sizeEstimate() {
    return 48 + originSite.length() + payload.length + (seen.isEmpty() ? 0 : seen.encodedSize());
  }

  /**
   * Same content, including the payload bytes (records compare arrays by identity): every field the CRC covers. The
   * epoch is not content: the same entry stamped in another epoch has the same content.
   */
  public boolean sameContent(JournalEntry other) {
    return other != null && crc == other.crc && seq == other.seq && shard == other.shard
        && hlc == other.hlc && op == other.op && inodeId == other.inodeId && schemaVersion == other.schemaVersion
        && originSite.equals(other.originSite) && Arrays.equals(payload, other.payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JournalEntry e && sameContent(e) && epoch == e.epoch && seen.equals(e.seen);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + shard * 17 + crc;
  }

  @Override
  public String toString() {
    String head = payload.length <= 16 ? HexFormat.of().formatHex(payload)
        : HexFormat.of().formatHex(payload, 0, 16) + "..";
    return "JournalEntry{" + originSite + " shard=" + shard + " seq=" + seq + " hlc=" + hlc + " " + op
        + " inode=" + inodeId + " v" + schemaVersion + (epoch == 0 ? "" : " epoch=" + epoch)
        + (seen.isEmpty() ? "" : " seen=" + seen)
        + " payload[" + payload.length + "]=" + head + "}";
  }
}
