package io.cfs.repl.engine.receiver;

import com.typesafe.config.Config;

/** Typed view of {@code cfs-repl.receiver} (documented in reference.conf). */
public record ReceiverSettings(int maxBatchEntries, int applyMergeMaxEntries, String applyDispatcher) {
  public ReceiverSettings {
    if (maxBatchEntries <= 0) throw new IllegalArgumentException("cfs-repl.receiver.max-batch-entries must be > 0");
    if (applyMergeMaxEntries <= 0) {
      throw new IllegalArgumentException("cfs-repl.receiver.apply-merge-max-entries must be > 0");
    }
  }

  public static ReceiverSettings create(Config root) {
    Config c = root.getConfig("cfs-repl.receiver");
    return new ReceiverSettings(c.getInt("max-batch-entries"), c.getInt("apply-merge-max-entries"),
        c.getString("apply-dispatcher"));
  }
}
