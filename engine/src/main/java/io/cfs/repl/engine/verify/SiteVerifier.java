package io.cfs.repl.engine.verify;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.node.PeerAddress;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.StoredValue;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies this site's store against a peer's, and repairs it on request: both sites build a {@link DigestTree} of
 * their store, the trees are compared top-down, only under differing nodes, and the values under the differing
 * leaves are compared by summary. So the bytes exchanged grow with the number of differences, not with the store.
 * A repair ships each differing inode's last-write-wins winner to the site that lacks it, both ways; each site audits
 * what it wrote.
 *
 * <p>On a site taking writes, the trees are built a moment apart: a value that changes meanwhile can show as a
 * difference at first, and is compared again from fresh summaries before it is reported; a value still on its way
 * through replication is a real difference at that moment and is reported (a repair of it writes the winner early,
 * and the entry, when it arrives, meets an equal version and changes nothing).
 *
 * <p>One verification at a time per node; it runs on a thread of its own, and its storage work on the storage
 * executor.
 */
public final class SiteVerifier {
  private static final Logger log = LoggerFactory.getLogger(SiteVerifier.class);
  /** A differing node under which both sides hold at most this many values is compared value by value. */
  static final int LEAF_VALUES = 64;
  /** Parents per Children request: 16,384 digests, about half a megabyte. */
  static final int MAX_PARENTS_PER_REQUEST = 1024;
  /**
   * Values summarised per Summaries request (by the tree's counts): about 4 MB, well inside a frame. Each request
   * costs a scan of both stores, so stores that differ everywhere (a wiped site) take one scan per 100,000 values.
   */
  static final long MAX_SUMMARIES_PER_REQUEST = 100_000;

  private final String site;
  private final ActorSystem<?> system;
  private final LinkSettings linkSettings;
  private final LinkSecurity security;
  private final KryoCodec codec;
  private final MetadataStore store;
  private final Executor storage;
  private final AuditSink audit;
  private final VerifySettings settings;
  private final Function<String, Optional<PeerAddress>> peers;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong runs = new AtomicLong();
  private volatile VerifyProgress progress;
  private volatile VerifyProgress last;

  public SiteVerifier(String site, ActorSystem<?> system, LinkSettings linkSettings, LinkSecurity security,
                      KryoCodec codec,
                      MetadataStore store, Executor storage, AuditSink audit, VerifySettings settings,
                      Function<String, Optional<PeerAddress>> peers) {
    this.site = site;
    this.system = system;
    this.linkSettings = linkSettings;
    this.security = security;
    this.codec = codec;
    this.store = store;
    this.storage = storage;
    this.audit = audit;
    this.settings = settings;
    this.peers = peers;
  }

  /** A verification that started: this node's run number for it, and its report once it finished. */
  public record Started(long id, CompletionStage<VerifyReport> report) {
  }

  /**
   * Verifies against {@code peer}, and repairs both stores if {@code repair}. Fails at once, changing nothing, with
   * {@link IllegalArgumentException} for an unknown peer and {@link IllegalStateException} while another
   * verification runs on this node.
   */
  public CompletionStage<VerifyReport> verify(String peer, boolean repair) {
    try {
      return start(peer, repair).report();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * As {@link #verify}, naming the run at once (what {@link #running()} and {@link #last()} show for it).
   *
   * @throws IllegalArgumentException for an unknown peer
   * @throws IllegalStateException while another verification runs on this node
   */
  public Started start(String peer, boolean repair) {
    PeerAddress address = peers.apply(peer).orElse(null);
    if (address == null) throw new IllegalArgumentException("unknown peer site: " + peer);
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "a verification is already running on this node; try again when it has finished");
    }
    CompletableFuture<VerifyReport> result = new CompletableFuture<>();
    long id = runs.incrementAndGet();
    progress = VerifyProgress.started(id, peer, repair);
    // the node is free again before anyone learns the outcome: a caller may start the next verification at once
    Thread thread = new Thread(() -> {
      VerifyReport report = null;
      Throwable failure = null;
      try {
        report = run(address, repair);
        last = progress.finished(report);
      } catch (Throwable e) {
        log.warn("[{}] verify against {} failed: {}", site, peer, e.toString());
        failure = e;
        last = progress.failed(e.getMessage() == null ? e.toString() : e.getMessage());
      } finally {
        progress = null;
        running.set(false);
      }
      if (failure == null) {
        result.complete(report);
      } else {
        result.completeExceptionally(failure);
      }
    }, "cfs-verify-" + peer);
    thread.setDaemon(true);
    thread.start();
    return new Started(id, result);
  }

  /** The verification running on this node, if any. */
  public Optional<VerifyProgress> running() {
    return Optional.ofNullable(progress);
  }

  /** The last verification this node finished (or that failed) since it started, if any. */
  public Optional<VerifyProgress> last() {
    return Optional.ofNullable(last);
  }

  private void phase(String phase) {
    VerifyProgress now = progress;
    if (now != null) progress = now.at(phase);
    log.info("[{}] verify against {}: {}", site, now == null ? "?" : now.peer(), phase);
  }

  private VerifyReport run(PeerAddress peer, boolean repair) throws Exception {
    long start = System.nanoTime();
    VerifyResponder local = new VerifyResponder(site, peer.site(), store, storage, audit);
    Side here = request -> local.answer(request).toCompletableFuture()
        .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try (LinkSide there = connect(peer)) {
      phase("building both digest trees (a scan of each store)");
      CompletionStage<VerifyMessage> ownTree = local.answer(new VerifyMessage.OpenTree());
      NodeDigest peerRoot = expect(there.ask(new VerifyMessage.OpenTree()), VerifyMessage.TreeOpened.class).root();
      NodeDigest localRoot = expect(ownTree.toCompletableFuture()
          .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS), VerifyMessage.TreeOpened.class).root();
      Comparison comparison = new Comparison(peer.site(), repair, here, there::ask);
      if (!localRoot.equals(peerRoot)) {
        Map<Integer, Map<Integer, Long>> leaves = differingLeaves(localRoot, peerRoot, here, there::ask);
        for (Map.Entry<Integer, Map<Integer, Long>> level : leaves.entrySet()) {
          phase("comparing the values under " + level.getValue().size() + " differing nodes of level "
              + level.getKey() + (repair ? ", repairing" : ""));
          comparison.compare(level.getKey(), level.getValue());
        }
      }
      VerifyReport report = new VerifyReport(site, peer.site(), localRoot.count(), peerRoot.count(),
          comparison.differing, comparison.listed, repair, comparison.repairedHere, comparison.repairedThere,
          comparison.unrepairable, there.bytesSent(), there.bytesReceived(), there.requests(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      record(report);
      return report;
    }
  }

  private LinkSide connect(PeerAddress peer) throws Exception {
    Exception last = null;
    for (InetSocketAddress address : peer.addresses()) {
      try {
        return LinkSide.open(system, linkSettings, security, codec, site, peer.site(), address, settings.requestTimeout());
      } catch (Exception e) {
        log.info("[{}] verify against {}: {} did not answer: {}", site, peer.site(), address, e.toString());
        last = e;
      }
    }
    throw new IllegalStateException("no node of " + peer.site() + " could be reached for a verification", last);
  }

  /**
   * Walks both trees down from their differing roots, asking for children only under differing nodes. Returns, per
   * level, the differing nodes to compare value by value, each with the larger of the two sides' counts.
   */
  private Map<Integer, Map<Integer, Long>> differingLeaves(NodeDigest localRoot, NodeDigest peerRoot, Side here,
                                                           Side there) throws Exception {
    Map<Integer, Map<Integer, Long>> leaves = new TreeMap<>();
    List<Integer> frontier = new ArrayList<>();
    long rootCount = Math.max(localRoot.count(), peerRoot.count());
    if (rootCount <= LEAF_VALUES) {
      leaves.computeIfAbsent(0, l -> new TreeMap<>()).put(0, rootCount);
    } else {
      frontier.add(0);
    }
    for (int level = 0; level < DigestTree.LEVELS && !frontier.isEmpty(); level++) {
      phase("comparing " + frontier.size() + " differing nodes of level " + level + " by their children");
      List<Integer> next = new ArrayList<>();
      for (int from = 0; from < frontier.size(); from += MAX_PARENTS_PER_REQUEST) {
        int[] parents = frontier.subList(from, Math.min(frontier.size(), from + MAX_PARENTS_PER_REQUEST))
            .stream().mapToInt(Integer::intValue).toArray();
        VerifyMessage.Children ask = new VerifyMessage.Children(level, parents);
        List<NodeDigest> mine = expect(here.ask(ask), VerifyMessage.ChildDigests.class).children();
        List<NodeDigest> theirs = expect(there.ask(ask), VerifyMessage.ChildDigests.class).children();
        if (theirs.size() != parents.length * DigestTree.FANOUT || mine.size() != theirs.size()) {
          throw new IllegalStateException("the peer answered " + theirs.size() + " digests for " + parents.length
              + " parents");
        }
        for (int i = 0; i < theirs.size(); i++) {
          if (mine.get(i).equals(theirs.get(i))) continue;
          int child = parents[i / DigestTree.FANOUT] * DigestTree.FANOUT + i % DigestTree.FANOUT;
          long count = Math.max(mine.get(i).count(), theirs.get(i).count());
          if (count <= LEAF_VALUES || level + 1 == DigestTree.LEVELS) {
            leaves.computeIfAbsent(level + 1, l -> new TreeMap<>()).put(child, count);
          } else {
            next.add(child);
          }
        }
      }
      frontier = next;
    }
    return leaves;
  }

  private void record(VerifyReport r) {
    String outcome = r.differing() == 0 ? "identical" : r.differing() + " inodes differ"
        + (r.repair() ? ", repaired " + r.repairedHere() + " here and " + r.repairedThere() + " there" : "")
        + (r.unrepairable() > 0 ? ", " + r.unrepairable() + " with equal versions and different content" : "");
    log.info("[{}] verify against {}: {} ({} and {} inodes; {} bytes sent, {} received, {} requests, {} ms)",
        site, r.peer(), outcome, r.localInodes(), r.peerInodes(), r.bytesSent(), r.bytesReceived(), r.requests(),
        r.millis());
    audit.record(AuditRecord.of(AuditKind.VERIFIED, System.currentTimeMillis(), site,
            "verify against " + r.peer() + ": " + outcome)
        .withPeer(r.peer()).withAttribute("differing", Long.toString(r.differing()))
        .withAttribute("repairedHere", Long.toString(r.repairedHere()))
        .withAttribute("repairedThere", Long.toString(r.repairedThere()))
        .withAttribute("unrepairable", Long.toString(r.unrepairable()))
        .withAttribute("bytes", Long.toString(r.bytesSent() + r.bytesReceived())));
  }

  static <T extends VerifyMessage> T expect(VerifyMessage answer, Class<T> type) {
    if (answer instanceof VerifyMessage.Failed failed) throw new IllegalStateException(failed.reason());
    if (!type.isInstance(answer)) {
      throw new IllegalStateException("expected " + type.getSimpleName() + ", got "
          + answer.getClass().getSimpleName());
    }
    return type.cast(answer);
  }

  /** One site of the conversation: this one through its own responder, the peer through the link. */
  @FunctionalInterface
  interface Side {
    VerifyMessage ask(VerifyMessage request) throws Exception;
  }

  /** The value-by-value part: compares the summaries under differing leaves, repairs as it goes. */
  private final class Comparison {
    private final String peer;
    private final boolean repair;
    private final Side here;
    private final Side there;
    final List<VerifyReport.Divergence> listed = new ArrayList<>();
    long differing;
    long repairedHere;
    long repairedThere;
    long unrepairable;

    Comparison(String peer, boolean repair, Side here, Side there) {
      this.peer = peer;
      this.repair = repair;
      this.here = here;
      this.there = there;
    }

    /** In chunks of at most {@link #MAX_SUMMARIES_PER_REQUEST} values (by the trees' counts), one scan each. */
    void compare(int level, Map<Integer, Long> nodes) throws Exception {
      List<Integer> chunk = new ArrayList<>();
      long values = 0;
      for (Map.Entry<Integer, Long> node : nodes.entrySet()) {
        if (!chunk.isEmpty() && values + node.getValue() > MAX_SUMMARIES_PER_REQUEST) {
          compareChunk(level, chunk);
          chunk.clear();
          values = 0;
        }
        chunk.add(node.getKey());
        values += node.getValue();
      }
      if (!chunk.isEmpty()) compareChunk(level, chunk);
    }

    private void compareChunk(int level, List<Integer> nodes) throws Exception {
      VerifyMessage.Summaries ask = new VerifyMessage.Summaries(level,
          nodes.stream().mapToInt(Integer::intValue).toArray());
      Map<Long, ValueSummary> mine = byInode(expect(here.ask(ask), VerifyMessage.SummaryList.class).summaries());
      Map<Long, ValueSummary> theirs = byInode(expect(there.ask(ask), VerifyMessage.SummaryList.class).summaries());
      TreeSet<Long> inodes = new TreeSet<>(mine.keySet());
      inodes.addAll(theirs.keySet());
      List<Long> shipThere = new ArrayList<>();
      List<Long> shipHere = new ArrayList<>();
      for (long inode : inodes) {
        ValueSummary a = mine.get(inode);
        ValueSummary b = theirs.get(inode);
        if (Objects.equals(a, b)) continue;
        String winner = a == null ? peer : b == null ? site
            : a.version().isNewerThan(b.version()) ? site : b.version().isNewerThan(a.version()) ? peer : null;
        differing++;
        if (winner == null) unrepairable++;
        if (winner != null && winner.equals(site)) shipThere.add(inode);
        if (winner != null && winner.equals(peer)) shipHere.add(inode);
        if (listed.size() < settings.maxListed()) listed.add(new VerifyReport.Divergence(inode, a, b, winner));
      }
      if (repair) {
        repairedThere += ship(shipThere, here, there);
        repairedHere += ship(shipHere, there, here);
      }
    }

    /** Fetches the winners from {@code from} and has {@code to} write them where they still win. */
    private long ship(List<Long> inodes, Side from, Side to) throws Exception {
      long written = 0;
      int per = settings.valuesPerRequest();
      for (int i = 0; i < inodes.size(); i += per) {
        long[] ids = inodes.subList(i, Math.min(inodes.size(), i + per)).stream()
            .mapToLong(Long::longValue).toArray();
        List<StoredValue> values = expect(from.ask(new VerifyMessage.Fetch(ids)), VerifyMessage.Values.class)
            .values();
        if (values.isEmpty()) continue;
        written += expect(to.ask(new VerifyMessage.Repair(values)), VerifyMessage.Repaired.class).written();
      }
      return written;
    }

    private Map<Long, ValueSummary> byInode(List<ValueSummary> summaries) {
      Map<Long, ValueSummary> map = new HashMap<>();
      summaries.forEach(s -> map.put(s.inodeId(), s));
      return map;
    }
  }
}
