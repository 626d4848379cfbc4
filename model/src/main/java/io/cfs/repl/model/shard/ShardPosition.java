package io.cfs.repl.model.shard;

/** One place in an origin's journal: a shard and a sequence number in it. */
public record ShardPosition(int shard, long seq) {
  @Override
  public String toString() {
    return shard + "/" + seq;
  }
}
