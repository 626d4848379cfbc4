package io.cfs.repl.model.entry;

/**
 * The version of an inode's value: (hybrid logical clock, origin site), compared lexicographically.
 * Ties on hlc break by site id so every site picks the same winner.
 */
public record Version(long hlc, String originSite) implements Comparable<Version> {
  @Override
  public int compareTo(Version o) {
    int c = Long.compare(hlc, o.hlc);
    return c != 0 ? c : originSite.compareTo(o.originSite);
  }

  public boolean isNewerThan(Version o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return hlc + "@" + originSite;
  }
}
