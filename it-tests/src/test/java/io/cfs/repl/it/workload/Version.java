package io.cfs.repl.it.workload;

/** An inode value's LWW version: hlc first, ties broken by origin site id, as every site must compare. */
public record Version(long hlc, String originSite) implements Comparable<Version> {
  @Override
  public int compareTo(Version o) {
    int c = Long.compare(hlc, o.hlc);
    return c != 0 ? c : originSite.compareTo(o.originSite);
  }

  @Override
  public String toString() {
    return "(" + hlc + "," + originSite + ")";
  }
}
