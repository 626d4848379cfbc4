package io.cfs.repl.persistence.audit;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One event of a site's audit trail: what happened ({@code kind}), when (wall clock of the recording node), on which
 * site, and what it concerns (a peer site, an inode, a shard position), with a short text for people and a few
 * key/value attributes for tools.
 *
 * <p>Build one with {@link #of} and the {@code with...} methods; the log assigns the id when it stores it.
 *
 * @param id assigned by the log, increasing in recording order; 0 until stored
 * @param atMillis when it happened, epoch millis
 * @param kind what happened
 * @param site the site that recorded it: the site whose log holds it
 * @param peer the other site it concerns, or null
 * @param inode the inode it concerns, or null
 * @param shard the shard it concerns, or null
 * @param seq the sequence number it concerns (of {@code shard}), or null
 * @param detail what happened, for a person; cut to {@value #MAX_DETAIL_CHARS} characters
 * @param attributes up to {@value #MAX_ATTRIBUTES} named values for tools (keys of at most
 *     {@value #MAX_KEY_CHARS} characters, values cut to {@value #MAX_VALUE_CHARS}), sorted by key
 */
public record AuditRecord(long id, long atMillis, AuditKind kind, String site, String peer, Long inode,
                          Integer shard, Long seq, String detail, Map<String, String> attributes) {
  public static final int MAX_DETAIL_CHARS = 1024;
  public static final int MAX_ATTRIBUTES = 16;
  public static final int MAX_KEY_CHARS = 64;
  public static final int MAX_VALUE_CHARS = 256;

  public AuditRecord {
    require(id >= 0, "id must be >= 0 (0: not stored yet), was " + id);
    require(atMillis >= 0, "atMillis must be >= 0, was " + atMillis);
    require(kind != null, "kind is required");
    JournalEntry.validateSiteId(site);
    if (peer != null) JournalEntry.validateSiteId(peer);
    require(shard == null || shard >= 0, "shard must be >= 0, was " + shard);
    require(seq == null || seq >= 0, "seq must be >= 0, was " + seq);
    detail = cut(detail == null ? "" : detail, MAX_DETAIL_CHARS);
    attributes = copy(attributes == null ? Map.of() : attributes);
  }

  /** A record of {@code kind} on {@code site}, not stored yet, concerning nothing more until told. */
  public static AuditRecord of(AuditKind kind, long atMillis, String site, String detail) {
    return new AuditRecord(0, atMillis, kind, site, null, null, null, null, detail, Map.of());
  }

  public AuditRecord withId(long newId) {
    return new AuditRecord(newId, atMillis, kind, site, peer, inode, shard, seq, detail, attributes);
  }

  public AuditRecord withPeer(String newPeer) {
    return new AuditRecord(id, atMillis, kind, site, newPeer, inode, shard, seq, detail, attributes);
  }

  public AuditRecord withInode(long newInode) {
    return new AuditRecord(id, atMillis, kind, site, peer, newInode, shard, seq, detail, attributes);
  }

  /** The shard position it concerns; {@code newSeq} may be null (the shard as a whole). */
  public AuditRecord withPosition(int newShard, Long newSeq) {
    return new AuditRecord(id, atMillis, kind, site, peer, inode, newShard, newSeq, detail, attributes);
  }

  public AuditRecord withAttribute(String key, String value) {
    Map<String, String> more = new TreeMap<>(attributes);
    more.put(key, value);
    return new AuditRecord(id, atMillis, kind, site, peer, inode, shard, seq, detail, more);
  }

  private static SortedMap<String, String> copy(Map<String, String> attributes) {
    require(attributes.size() <= MAX_ATTRIBUTES, "at most " + MAX_ATTRIBUTES + " attributes, was "
        + attributes.size());
    SortedMap<String, String> copy = new TreeMap<>();
    attributes.forEach((key, value) -> {
      require(key != null && !key.isBlank() && key.length() <= MAX_KEY_CHARS,
          "attribute keys must be 1 to " + MAX_KEY_CHARS + " characters, was '" + key + "'");
      require(value != null, "attribute " + key + " has no value");
      copy.put(key, cut(value, MAX_VALUE_CHARS));
    });
    return Collections.unmodifiableSortedMap(copy);
  }

  /** {@code text} cut to {@code max} characters, the last one an ellipsis, never splitting a surrogate pair. */
  private static String cut(String text, int max) {
    if (text.length() <= max) return text;
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) end--;
    return text.substring(0, end) + "\u2026";
  }

  private static void require(boolean condition, String message) {
    if (!condition) throw new IllegalArgumentException("audit record: " + message);
  }
}
