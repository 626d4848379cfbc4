package io.cfs.repl.engine.replicator;

/**
 * A shard whose shipping stopped on a sequence gap at the peer: the peer expected {@code expectedSeq} but the next
 * entry we hold from the cursor is {@code receivedSeq}. Never skipped; an operator resolves it (resync).
 */
public record StoppedShard(int shard, long expectedSeq, long receivedSeq, long atMillis) {
  public String reason() {
    return "sequence gap on shard " + shard + ": peer expects seq " + expectedSeq + " but the link sent "
        + receivedSeq;
  }
}
