package io.cfs.repl.engine.replicator;

/** The peer refused a snapshot resync's message (nothing of it written there): retrying the same run cannot help. */
public final class ResyncRefusedException extends RuntimeException {
  public ResyncRefusedException(String message) {
    super(message);
  }
}
