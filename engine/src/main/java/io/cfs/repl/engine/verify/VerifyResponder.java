package io.cfs.repl.engine.verify;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RepairResult;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's side of one verification: answers {@link VerifyMessage} requests from its own store, on the storage
 * executor, one at a time (the caller waits for each answer before asking again). The verifying site talks to its own
 * store through one of these too, so both sides answer by the same code.
 *
 * <p>The digest tree is built once, on {@link VerifyMessage.OpenTree}, and kept for the conversation; summaries and
 * values are read fresh from the store. Each value a repair writes is audited here, on the site it was written to.
 */
public final class VerifyResponder {
  private static final Logger log = LoggerFactory.getLogger(VerifyResponder.class);

  private final String site;
  private final String peer;
  private final MetadataStore store;
  private final Executor storage;
  private final AuditSink audit;
  private DigestTree tree;

  /**
   * @param site the site whose store answers
   * @param peer the other site of the verification, named in repair audits
   */
  public VerifyResponder(String site, String peer, MetadataStore store, Executor storage, AuditSink audit) {
    this.site = site;
    this.peer = peer;
    this.store = store;
    this.storage = storage;
    this.audit = audit;
  }

  /** The answer to {@code request}: a reply, or {@link VerifyMessage.Failed} naming what went wrong. */
  public CompletionStage<VerifyMessage> answer(VerifyMessage request) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return answerNow(request);
      } catch (RuntimeException e) {
        log.warn("[{}] verify with {}: {} failed: {}", site, peer, request.getClass().getSimpleName(), e.toString());
        return new VerifyMessage.Failed(site + " could not answer " + request.getClass().getSimpleName() + ": " + e);
      }
    }, storage);
  }

  private VerifyMessage answerNow(VerifyMessage request) {
    if (request instanceof VerifyMessage.OpenTree) {
      DigestTree built = new DigestTree();
      store.scan(v -> built.add(ValueSummary.of(v)));
      tree = built.seal();
      return new VerifyMessage.TreeOpened(tree.root());
    } else if (request instanceof VerifyMessage.Children c) {
      requireTree();
      if (c.level() < 0 || c.level() >= DigestTree.LEVELS) throw new IllegalArgumentException("no children below " + c.level());
      List<NodeDigest> children = new ArrayList<>(c.parents().length * DigestTree.FANOUT);
      for (int parent : c.parents()) {
        tree.node(c.level(), parent); // checks the parent exists
        for (int i = 0; i < DigestTree.FANOUT; i++) {
          children.add(tree.node(c.level() + 1, parent * DigestTree.FANOUT + i));
        }
      }
      return new VerifyMessage.ChildDigests(children);
    } else if (request instanceof VerifyMessage.Summaries s) {
      return new VerifyMessage.SummaryList(summaries(s.level(), s.nodes()));
    } else if (request instanceof VerifyMessage.Fetch f) {
      return new VerifyMessage.Values(List.copyOf(
          store.getAll(LongStream.of(f.inodes()).boxed().toList()).values()));
    } else if (request instanceof VerifyMessage.Repair r) {
      return repair(r.values());
    }
    throw new IllegalArgumentException("not a request: " + request.getClass().getSimpleName());
  }

  private void requireTree() {
    if (tree == null) throw new IllegalStateException("no digest tree: OpenTree comes first");
  }

  /** One scan: the summaries of every value under the asked nodes, in key order. */
  private List<ValueSummary> summaries(int level, int[] nodes) {
    if (level < 0 || level > DigestTree.LEVELS) throw new IllegalArgumentException("no level " + level);
    BitSet asked = new BitSet();
    for (int node : nodes) {
      if (node < 0 || node >= 1 << (DigestTree.FANOUT_BITS * level)) {
        throw new IllegalArgumentException("level " + level + " has no node " + node);
      }
      asked.set(node);
    }
    List<ValueSummary> found = new ArrayList<>();
    store.scan(v -> {
      if (asked.get(DigestTree.index(v.inodeId(), level))) found.add(ValueSummary.of(v));
    });
    return found;
  }

  private VerifyMessage repair(List<StoredValue> values) {
    RepairResult result = store.repair(values, Durability.SYNC);
    long now = System.currentTimeMillis();
    for (RepairResult.Repaired w : result.written()) {
      String replaced = w.replaced() == null ? "nothing" : w.replaced().toString();
      audit.record(AuditRecord.of(AuditKind.REPAIRED, now, site, "repair from verify with " + peer + ": inode "
              + w.value().inodeId() + " " + replaced + " -> " + w.value().version()
              + (w.value().tombstone() ? " (tombstone)" : ""))
          .withPeer(peer).withInode(w.value().inodeId()).withPosition(w.value().shard(), null)
          .withAttribute("version", w.value().version().toString()).withAttribute("replaced", replaced));
    }
    if (!result.written().isEmpty()) {
      log.info("[{}] verify with {}: repaired {} inodes ({} offered values were not newer)", site, peer,
          result.written().size(), result.kept());
    }
    return new VerifyMessage.Repaired(result.written().size(), result.kept());
  }
}
