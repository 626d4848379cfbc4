package io.cfs.repl.engine.membership;

import java.util.Set;
import java.util.TreeSet;

/**
 * The peer sites a component deals with, as of now: a site's peers change when an operator reloads them
 * ({@link PeerDirectory}), so components ask each time rather than keep a copy.
 */
public interface PeerSet {
  boolean contains(String site);

  /** The peers now, sorted. */
  Set<String> sites();

  /** A fixed set (tests, and components of a node whose peers never change). */
  static PeerSet of(Set<String> sites) {
    Set<String> fixed = Set.copyOf(sites);
    return new PeerSet() {
      @Override
      public boolean contains(String site) {
        return fixed.contains(site);
      }

      @Override
      public Set<String> sites() {
        return new TreeSet<>(fixed);
      }
    };
  }
}
