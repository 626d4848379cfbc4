package io.cfs.repl.persistence.lease;

/**
 * What a site singleton shows with every write it makes: the lease it holds and the fencing token it got when it
 * took that lease. Storage refuses the write, in the transaction that would make it, when the lease has since been
 * taken by a newer holder (a higher token): a holder that lost its lease without noticing (a frozen process, a
 * partitioned node) writes nothing.
 *
 * @param site  the site whose singleton writes (leases are per site)
 * @param lease the singleton's lease name (for example {@code replicator-site-b})
 * @param token the fencing token the writer got when it took the lease
 */
public record Fence(String site, String lease, long token) {
  /** Tags of fenced cursor events start with this (see {@link #tag()}). */
  public static final String TAG_PREFIX = "cfs-fence|";

  public Fence {
    if (site == null || site.isBlank() || site.contains("|")) throw new IllegalArgumentException("bad site: " + site);
    if (lease == null || lease.isBlank() || lease.contains("|")) {
      throw new IllegalArgumentException("bad lease name: " + lease);
    }
    if (token < 1) throw new IllegalArgumentException("a fencing token is positive, not " + token);
  }

  /**
   * The fence as an event tag. Pekko's JDBC journal writes an event's tags in the transaction that writes the event,
   * so a database trigger on the tag table can refuse the event (see {@code PostgresLeaseStore}).
   */
  public String tag() {
    return TAG_PREFIX + site + "|" + lease + "|" + token;
  }

  @Override
  public String toString() {
    return site + "/" + lease + "#" + token;
  }
}
