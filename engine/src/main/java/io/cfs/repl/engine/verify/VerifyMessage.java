package io.cfs.repl.engine.verify;

import io.cfs.repl.persistence.store.StoredValue;
import java.util.List;

/**
 * The verify channel's conversation: the verifying site asks, the other site answers each request with one reply (or
 * {@link Failed}), in order. Every request reads or writes the answering site's store only.
 */
public sealed interface VerifyMessage {
  /** Build the digest tree of your store (one full scan); answered by {@link TreeOpened}. */
  record OpenTree() implements VerifyMessage {
  }

  record TreeOpened(NodeDigest root) implements VerifyMessage {
  }

  /** The {@value DigestTree#FANOUT} children of each of {@code parents} at {@code level}; answered by {@link ChildDigests}. */
  record Children(int level, int[] parents) implements VerifyMessage {
  }

  /** The children of the asked parents, {@value DigestTree#FANOUT} per parent, in the order asked. */
  record ChildDigests(List<NodeDigest> children) implements VerifyMessage {
  }

  /** The summaries of every value under the given nodes of {@code level}; answered by {@link SummaryList}. */
  record Summaries(int level, int[] nodes) implements VerifyMessage {
  }

  record SummaryList(List<ValueSummary> summaries) implements VerifyMessage {
  }

  /** The values held for these inodes; answered by {@link Values}. */
  record Fetch(long[] inodes) implements VerifyMessage {
  }

  record Values(List<StoredValue> values) implements VerifyMessage {
  }

  /** Write these values where they win last-write-wins; answered by {@link Repaired}. */
  record Repair(List<StoredValue> values) implements VerifyMessage {
  }

  record Repaired(int written, int kept) implements VerifyMessage {
  }

  /**
   * Sent by the answering site while a request is still running (a scan of a large store), so that the link is not
   * failed as idle; the asking site waits on for the answer.
   */
  record Working() implements VerifyMessage {
  }

  /** The request could not be answered; the conversation ends. */
  record Failed(String reason) implements VerifyMessage {
  }
}
