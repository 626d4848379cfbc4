package io.cfs.repl.model.entry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One String instance, and one UTF-8 encoding, per site id that entries carry. Every decoded entry names its origin;
 * a new String per entry cost an allocation, and its hash (computed afresh for each new instance) was a visible part
 * of every apply's map lookups by site. A mesh has a handful of sites, so a small table holds them all.
 *
 * <p>The table is fixed in size and lossy: a site id that meets a taken slot replaces it, so ids from hostile or
 * corrupt input cannot grow it, and a replaced id only costs its next reader a new instance. Slots are replaced
 * whole (immutable records), so readers on any thread see either the old pair or the new one.
 */
public final class SiteIds {
  private static final int SLOTS = 64;
  private static final Known[] BY_BYTES = new Known[SLOTS];
  private static final Known[] BY_ID = new Known[SLOTS];

  private record Known(byte[] utf8, String id) {
  }

  private SiteIds() {
  }

  /** The site id encoded in {@code bytes[from, from + length)} (UTF-8), as its canonical instance. */
  public static String decode(byte[] bytes, int from, int length) {
    int slot = hash(bytes, from, length) & (SLOTS - 1);
    Known known = BY_BYTES[slot];
    if (known != null && Arrays.equals(known.utf8, 0, known.utf8.length, bytes, from, from + length)) return known.id;
    String id = canonical(new String(bytes, from, length, StandardCharsets.UTF_8));
    BY_BYTES[slot] = new Known(utf8(id), id);
    return id;
  }

  /** The canonical instance equal to {@code id}. */
  public static String canonical(String id) {
    int slot = id.hashCode() & (SLOTS - 1);
    Known known = BY_ID[slot];
    if (known != null && (known.id == id || known.id.equals(id))) return known.id;
    BY_ID[slot] = new Known(id.getBytes(StandardCharsets.UTF_8), id);
    return id;
  }

  /** {@code id} in UTF-8. The array is shared: callers must not change it. */
  public static byte[] utf8(String id) {
    Known known = BY_ID[id.hashCode() & (SLOTS - 1)];
    if (known != null && (known.id == id || known.id.equals(id))) return known.utf8;
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static int hash(byte[] bytes, int from, int length) {
    int h = length;
    for (int i = from; i < from + length; i++) h = 31 * h + bytes[i];
    return h ^ (h >>> 16);
  }
}
