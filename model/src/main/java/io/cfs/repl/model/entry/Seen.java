package io.cfs.repl.model.entry;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What a site knew of one inode's writes: per origin site, the highest seq of that origin's writes to the inode that
 * it had applied or had learnt of through another write that had (a version vector). The write of origin {@code s}
 * at seq {@code n} is <em>covered</em> when the vector holds {@code s} at {@code n} or later.
 *
 * <p>The vector stands for a set of writes without listing them: an inode lives in one shard, and every origin's
 * entries of a shard are applied everywhere in seq order without a gap, so what a site knows of an origin's writes to
 * an inode is always a prefix of them, named by its last seq. Seqs, not seqs: an origin's seqs need not increase
 * with its seqs, and a prefix by hlc would then take a later write for a known one.
 *
 * <p>Components are sorted by site id; an empty vector is {@link #NONE}. At most {@link #MAX_SITES} components: a
 * decoder refuses more, so that a corrupt count never sizes an allocation.
 */
public final class Seen {
  public static final int MAX_SITES = 64;
  public static final Seen NONE = new Seen(new String[0], new long[0]);

  private final String[] sites;
  private final long[] seqs;

  private Seen(String[] sites, long[] seqs) {
    this.sites = sites;
    this.seqs = seqs;
  }

  /** A vector of the given components (site to seq, seqs >= 0). */
  public static Seen of(Map<String, Long> components) {
    if (components.isEmpty()) return NONE;
    if (components.size() > MAX_SITES) {
      throw new InvalidEntryException("a seen vector holds at most " + MAX_SITES + " sites, was " + components.size());
    }
    TreeMap<String, Long> sorted = new TreeMap<>(components);
    String[] sites = new String[sorted.size()];
    long[] seqs = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<String, Long> c : sorted.entrySet()) {
      JournalEntry.validateSiteId(c.getKey());
      if (c.getValue() == null || c.getValue() < 0) {
        throw new InvalidEntryException("seen seq of " + c.getKey() + " must be >= 0, was " + c.getValue());
      }
      sites[i] = SiteIds.canonical(c.getKey());
      seqs[i++] = c.getValue();
    }
    return new Seen(sites, seqs);
  }

  /** The vector that covers exactly {@code site}'s writes up to seq {@code seq}. */
  public static Seen of(String site, long seq) {
    return new Seen(new String[] {site}, new long[] {seq});
  }

  public boolean isEmpty() {
    return sites.length == 0;
  }

  public int size() {
    return sites.length;
  }

  /** The highest seq known of {@code site}'s writes, -1 if none. */
  public long seqOf(String site) {
    int i = Arrays.binarySearch(sites, site);
    return i >= 0 ? seqs[i] : -1;
  }

  /** Whether {@code site}'s write at {@code seq} is among those this vector stands for. */
  public boolean covers(String site, long seq) {
    return seqOf(site) >= seq;
  }

  /** Whether every write {@code other} stands for is among those this one stands for. */
  public boolean coversAll(Seen other) {
    for (int i = 0; i < other.sites.length; i++) {
      if (seqOf(other.sites[i]) < other.seqs[i]) return false;
    }
    return true;
  }

  /** The union: per site, the higher seq. */
  public Seen merge(Seen other) {
    if (other.isEmpty() || coversAll(other)) return this;
    if (isEmpty() || other.coversAll(this)) return other;
    String[] s = new String[sites.length + other.sites.length];
    long[] h = new long[s.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < sites.length || j < other.sites.length) {
      int order = i == sites.length ? 1 : j == other.sites.length ? -1 : sites[i].compareTo(other.sites[j]);
      if (order < 0) {
        s[n] = sites[i];
        h[n++] = seqs[i++];
      } else if (order > 0) {
        s[n] = other.sites[j];
        h[n++] = other.seqs[j++];
      } else {
        s[n] = sites[i];
        h[n++] = Math.max(seqs[i++], other.seqs[j++]);
      }
    }
    if (n > MAX_SITES) {
      throw new InvalidEntryException("a seen vector holds at most " + MAX_SITES + " sites, was " + n);
    }
    return new Seen(Arrays.copyOf(s, n), Arrays.copyOf(h, n));
  }

  /** This vector with {@code site}'s write at {@code seq} (and its earlier ones) added. */
  public Seen with(String site, long seq) {
    return covers(site, seq) ? this : merge(of(site, seq));
  }

  /**
   * This vector without what one write implies on its own ({@code site}'s writes up to {@code seq}): the compact form
   * kept beside a write, empty when the write says it all.
   */
  public Seen beyond(String site, long seq) {
    int i = Arrays.binarySearch(sites, site);
    if (i < 0 || seqs[i] > seq) return this;
    if (sites.length == 1) return NONE;
    String[] s = new String[sites.length - 1];
    long[] h = new long[sites.length - 1];
    System.arraycopy(sites, 0, s, 0, i);
    System.arraycopy(seqs, 0, h, 0, i);
    System.arraycopy(sites, i + 1, s, i, sites.length - i - 1);
    System.arraycopy(seqs, i + 1, h, i, sites.length - i - 1);
    return new Seen(s, h);
  }

  /** Site to seq, sorted by site. */
  public Map<String, Long> asMap() {
    TreeMap<String, Long> map = new TreeMap<>();
    for (int i = 0; i < sites.length; i++) map.put(sites[i], seqs[i]);
    return map;
  }

  /** Encoded size: a count byte, then per component a 2-byte UTF-8 length, the site and an 8-byte seq. */
  public int encodedSize() {
    int size = 1;
    for (String site : sites) size += 2 + SiteIds.utf8(site).length + 8;
    return size;
  }

  public void encode(ByteBuffer out) {
    out.put((byte) sites.length);
    for (int i = 0; i < sites.length; i++) {
      byte[] site = SiteIds.utf8(sites[i]);
      out.putShort((short) site.length).put(site).putLong(seqs[i]);
    }
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    encode(out);
    return out.array();
  }

  /** Decodes one vector at the buffer's position; malformed input raises {@link InvalidEntryException}. */
  public static Seen decode(ByteBuffer in) {
    try {
      int count = Byte.toUnsignedInt(in.get());
      if (count == 0) return NONE;
      if (count > MAX_SITES) throw new InvalidEntryException("seen vector of " + count + " sites");
      TreeMap<String, Long> components = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > 4 * JournalEntry.MAX_SITE_ID_LENGTH) throw new InvalidEntryException("site id of " + length + " bytes");
        byte[] site = new byte[length];
        in.get(site);
        String id = SiteIds.decode(site, 0, length);
        if (components.put(id, in.getLong()) != null) throw new InvalidEntryException("seen vector names " + id + " twice");
      }
      return of(components);
    } catch (BufferUnderflowException e) {
      throw new InvalidEntryException("truncated seen vector");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Seen s && Arrays.equals(sites, s.sites) && Arrays.equals(seqs, s.seqs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sites) * 31 + Arrays.hashCode(seqs);
  }

  @Override
  public String toString() {
    StringJoiner joined = new StringJoiner(", ", "{", "}");
    for (int i = 0; i < sites.length; i++) joined.add(sites[i] + ":" + seqs[i]);
    return joined.toString();
  }
}
