package io.cfs.repl.model.shard;

/**
 * A shard whose next entry did not follow the applied watermark: the receiver refused the shard (wrote none of it)
 * and the sender must stop it until an operator resumes the link. Found by the store, carried back in the ack.
 *
 * @param shard the refused shard
 * @param expectedSeq watermark + 1, the only seq the receiver could apply next
 * @param receivedSeq the first new seq the batch held for the shard
 */
public record Gap(int shard, long expectedSeq, long receivedSeq) {
}
