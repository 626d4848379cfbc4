package io.cfs.repl.persistence.audit;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which audit records to read, newest first: a time range, optional filters, a page size and where the page starts.
 * Build one with {@link #newest(int)} and the {@code with...} methods.
 *
 * @param sinceMillis the oldest time included (epoch millis, inclusive)
 * @param untilMillis the end of the range (epoch millis, exclusive)
 * @param kinds the kinds wanted; empty: every kind
 * @param site records recorded by this site or naming it as their peer; null: any
 * @param inode records concerning this inode; null: any
 * @param limit at most this many records in the page, 1 to {@value #MAX_LIMIT}
 * @param after the page starts strictly after this position (a previous page's {@link AuditPage#next}); null: at the
 *     newest record
 */
public record AuditQuery(long sinceMillis, long untilMillis, Set<AuditKind> kinds, String site, Long inode,
                         int limit, AuditCursor after) {
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    if (sinceMillis < 0) throw new IllegalArgumentException("since must be >= 0, was " + sinceMillis);
    if (untilMillis < sinceMillis) {
      throw new IllegalArgumentException("until (" + untilMillis + ") must not be before since (" + sinceMillis + ")");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be within 1 and " + MAX_LIMIT + ", was " + limit);
    }
    kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
  }

  /** The newest {@code limit} records of any kind, at any time. */
  public static AuditQuery newest(int limit) {
    return new AuditQuery(0, Long.MAX_VALUE, Set.of(), null, null, limit, null);
  }

  public AuditQuery withSince(long since) {
    return new AuditQuery(since, untilMillis, kinds, site, inode, limit, after);
  }

  public AuditQuery withUntil(long until) {
    return new AuditQuery(sinceMillis, until, kinds, site, inode, limit, after);
  }

  public AuditQuery withKinds(Set<AuditKind> wanted) {
    return new AuditQuery(sinceMillis, untilMillis, wanted, site, inode, limit, after);
  }

  public AuditQuery withSite(String wanted) {
    return new AuditQuery(sinceMillis, untilMillis, kinds, wanted, inode, limit, after);
  }

  public AuditQuery withInode(Long wanted) {
    return new AuditQuery(sinceMillis, untilMillis, kinds, site, wanted, limit, after);
  }

  public AuditQuery withLimit(int pageSize) {
    return new AuditQuery(sinceMillis, untilMillis, kinds, site, inode, pageSize, after);
  }

  public AuditQuery withAfter(AuditCursor position) {
    return new AuditQuery(sinceMillis, untilMillis, kinds, site, inode, limit, position);
  }

  /** The kinds a log looks for: the wanted ones, or every kind this version knows. */
  public Set<AuditKind> kindsOrAll() {
    return kinds.isEmpty() ? EnumSet.allOf(AuditKind.class) : kinds;
  }

  /** Whether {@code record} passes the filters and the time range (not the paging). */
  public boolean matches(AuditRecord record) {
    return record.atMillis() >= sinceMillis && record.atMillis() < untilMillis
        && (kinds.isEmpty() || kinds.contains(record.kind()))
        && (site == null || site.equals(record.site()) || site.equals(record.peer()))
        && (inode == null || inode.equals(record.inode()));
  }
}
