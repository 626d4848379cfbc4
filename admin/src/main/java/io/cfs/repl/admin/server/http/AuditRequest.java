package io.cfs.repl.admin.server.http;

import io.cfs.repl.persistence.audit.AuditCursor;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of {@code GET /replication/audit}, read into an {@link AuditQuery}; anything else is refused
 * with a reason naming the parameter:
 * <ul>
 *   <li>{@code since}, {@code until}: epoch millis or ISO-8601 with a zone ({@code 2025-06-01T12:00:00Z},
 *       {@code 2025-06-01T14:00:00+02:00}); since is included, until is not;</li>
 *   <li>{@code kind}: one or more kinds, repeated or comma-separated, any case ({@code kind=link_down,LINK_UP});</li>
 *   <li>{@code site}: records of that site or naming it as their peer; {@code inode}: records of that inode;</li>
 *   <li>{@code limit}: records per page, 1 to {@value AuditQuery#MAX_LIMIT}, default {@value #DEFAULT_LIMIT};</li>
 *   <li>{@code after}: the {@code next} of the previous page.</li>
 * </ul>
 * Each parameter but {@code kind} may appear once; an unknown parameter is refused (a misspelt filter would otherwise
 * be ignored and widen the answer).
 */
final class AuditRequest {
  static final int DEFAULT_LIMIT = 100;
  private static final Set<String> NAMES = Set.of("since", "until", "kind", "site", "inode", "limit", "after");

  private AuditRequest() {
  }

  static AuditQuery parse(Map<String, List<String>> params) {
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (!NAMES.contains(p.getKey())) {
        throw new IllegalArgumentException("unknown parameter '" + p.getKey() + "'; known: " + new TreeSet<>(NAMES));
      }
      if (!p.getKey().equals("kind") && p.getValue().size() > 1) {
        throw new IllegalArgumentException("parameter '" + p.getKey() + "' given " + p.getValue().size() + " times");
      }
    }
    long since = one(params, "since") == null ? 0 : time("since", one(params, "since"));
    long until = one(params, "until") == null ? Long.MAX_VALUE : time("until", one(params, "until"));
    if (until < since) {
      throw new IllegalArgumentException("until (" + Instant.ofEpochMilli(until) + ") is before since ("
          + Instant.ofEpochMilli(since) + ")");
    }
    String site = one(params, "site");
    if (site != null && (site.isBlank() || site.length() > 64)) {
      throw new IllegalArgumentException("site must be a site id (1 to 64 characters), was '" + site + "'");
    }
    String inode = one(params, "inode");
    String limit = one(params, "limit");
    String after = one(params, "after");
    return new AuditQuery(since, until, kinds(params.getOrDefault("kind", List.of())), site,
        inode == null ? null : number("inode", inode, Long.MIN_VALUE, Long.MAX_VALUE),
        limit == null ? DEFAULT_LIMIT : (int) number("limit", limit, 1, AuditQuery.MAX_LIMIT),
        after == null ? null : AuditCursor.parse(after));
  }

  /** Epoch millis, or an ISO-8601 instant or date-time with an offset. */
  static long time(String name, String value) {
    String v = value.strip();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) return number(name, v, 0, Long.MAX_VALUE);
    try {
      return OffsetDateTime.parse(v).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " must be epoch millis or an ISO-8601 time with a zone offset (e.g."
          + " 2025-06-01T12:00:00Z), was '" + value + "'");
    }
  }

  private static Set<AuditKind> kinds(List<String> values) {
    Set<AuditKind> kinds = EnumSet.noneOf(AuditKind.class);
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        String kind = name.strip().toUpperCase(Locale.ROOT);
        kinds.add(AuditKind.named(kind).orElseThrow(() -> new IllegalArgumentException("unknown kind '"
            + name.strip() + "'; known: " + Arrays.toString(AuditKind.values()))));
      }
    }
    return kinds;
  }

  private static long number(String name, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be within " + min + " and " + max + ", was " + n);
    }
    return n;
  }

  private static String one(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
