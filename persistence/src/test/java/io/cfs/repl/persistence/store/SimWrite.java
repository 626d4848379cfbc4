package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Version;

/**
 * One write of a simulated history, as the oracle sees it: an id ({@code site}, {@code shard}, {@code seq}) and what
 * last-write-wins compares. The stamped vector is left out on purpose: the oracle keeps its own sets.
 */
record SimWrite(String site, int shard, long seq, long hlc, long inode, boolean delete) {

  static SimWrite of(JournalEntry e) {
    return new SimWrite(e.originSite(), e.shard(), e.seq(), e.hlc(), e.inodeId(), e.op().isDelete());
  }

  Version version() {
    return new Version(hlc, site);
  }

  @Override
  public String toString() {
    return site + ":" + seq + "@" + hlc + (delete ? "(del)" : "");
  }
}
