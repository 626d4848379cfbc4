package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.Version;
import java.util.List;

/**
 * Outcome of one {@link MetadataStore#repair}.
 *
 * @param written the values written, each with the version it replaced
 * @param kept values offered that did not win against the value held (equal or older), so were not written
 */
public record RepairResult(List<Repaired> written, int kept) {
  public RepairResult {
    written = List.copyOf(written);
  }

  /**
   * One value a repair wrote.
   *
   * @param value what the store holds now
   * @param replaced the version it held before, or null when it held nothing for that inode
   */
  public record Repaired(StoredValue value, Version replaced) {
  }
}
