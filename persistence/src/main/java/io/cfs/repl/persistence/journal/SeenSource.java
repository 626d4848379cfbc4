package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.Seen;
import java.util.Collection;
import java.util.Map;

/**
 * What the site knows of inodes, asked by the journal's writer for each group it commits, so that every entry carries
 * what its origin had seen of its inode when it took it ({@link io.cfs.repl.model.entry.JournalEntry#withSeen}). The
 * site's metadata store answers it; a journal with no store (tests of the journal alone) stamps nothing.
 */
@FunctionalInterface
public interface SeenSource {
  SeenSource NONE = inodes -> Map.of();

  /**
   * Per inode the site holds a value of, what it knows of the inode's writes; other inodes left out. An inode may be
   * named more than once. Blocks.
   */
  Map<Long, Seen> knowledge(Collection<Long> inodeIds);
}
