package io.cfs.repl.persistence.audit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a site's audit trail, which is ordered by (atMillis, id): a page that ends at a record continues,
 * newest first, with the records strictly before it. Written {@code <atMillis>-<id>} (e.g. {@code 1718000000000-42}),
 * the {@code next} / {@code after} value of the admin route.
 */
public record AuditCursor(long atMillis, long id) implements Comparable<AuditCursor> {
  private static final Pattern TEXT = Pattern.compile("(\\d{1,19})-(\\d{1,19})");

  public AuditCursor {
    if (atMillis < 0) throw new IllegalArgumentException("cursor time must be >= 0, was " + atMillis);
    if (id < 1) throw new IllegalArgumentException("cursor id must be >= 1, was " + id);
  }

  /** The position of a stored record. */
  public static AuditCursor of(AuditRecord record) {
    return new AuditCursor(record.atMillis(), record.id());
  }

  /** Reads {@link #toString()}'s form; refuses anything else with the reason. */
  public static AuditCursor parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an audit cursor: '" + text + "' (expected <atMillis>-<id>, the next"
          + " value of a previous page)");
    }
    try {
      return new AuditCursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an audit cursor: '" + text + "' (number out of range)");
    }
  }

  /** Whether {@code record} comes before this position, i.e. belongs to the pages after it. */
  public boolean isAfter(AuditRecord record) {
    return record.atMillis() < atMillis || (record.atMillis() == atMillis && record.id() < id);
  }

  @Override
  public int compareTo(AuditCursor other) {
    int byTime = Long.compare(atMillis, other.atMillis);
    return byTime != 0 ? byTime : Long.compare(id, other.id);
  }

  @Override
  public String toString() {
    return atMillis + "-" + id;
  }
}
