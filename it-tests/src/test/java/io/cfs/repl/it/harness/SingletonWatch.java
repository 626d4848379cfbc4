package io.cfs.repl.it.harness;

import io.cfs.repl.it.client.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls every node of one site every 200 ms (all nodes at once) for the site singletons it runs, and keeps, per node
 * and singleton instance, the interval over which it was seen running: from the instance's start to the latest
 * answer that listed it, both on the node's clock (all nodes share this machine's). Two nodes' intervals for the same
 * singleton that intersect are a moment at which both ran it: a proven overlap, never a guess from polling order.
 */
public final class SingletonWatch implements AutoCloseable {
  private static final Duration EVERY = Duration.ofMillis(200);
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

  /** One instance of a singleton on one node: ran from sinceMillis until at least seenUntilMillis. */
  public record Run(String node, String singleton, long token, long sinceMillis, long seenUntilMillis) {
    boolean overlaps(Run other) {
      return !node.equals(other.node) && singleton.equals(other.singleton)
          && Math.max(sinceMillis, other.sinceMillis) < Math.min(seenUntilMillis, other.seenUntilMillis);
    }
  }

  private final List<NodeProcess> nodes;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Run> runs = new LinkedHashMap<>(); // node|singleton|since -> run; guarded by this
  private final List<String> overlaps = new ArrayList<>(); // guarded by this
  private final AtomicLong answers = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();

  private SingletonWatch(List<NodeProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  public static SingletonWatch start(List<NodeProcess> nodes) {
    SingletonWatch watch = new SingletonWatch(nodes);
    watch.timer.scheduleAtFixedRate(watch::poll, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  /** Asks every running node at once and does not wait: the next round starts 200 ms after this one did. */
  private void poll() {
    polls.incrementAndGet();
    for (NodeProcess node : nodes) {
      if (!node.isAlive() || node.isPaused()) continue;
      node.admin().statusAsync(ANSWER_WITHIN)
          .thenAccept(status -> record(node.name(), status.node()))
          .exceptionally(notNow -> null); // starting, stopping or frozen: it runs nothing it could show
    }
  }

  private synchronized void record(String node, Status.Node seen) {
    if (seen == null) return;
    answers.incrementAndGet();
    for (Status.Singleton s : seen.singletons()) {
      Run run = new Run(node, s.name(), s.token(), s.sinceMillis(), seen.atMillis());
      runs.merge(node + "|" + s.name() + "|" + s.sinceMillis(), run,
          (old, now) -> now.seenUntilMillis() > old.seenUntilMillis() ? now : old);
      for (Run other : runs.values()) {
        if (other.overlaps(run)) {
          overlaps.add(s.name() + " ran on " + other.node() + " (token " + other.token() + ", " + other.sinceMillis()
              + ".." + other.seenUntilMillis() + ") and on " + node + " (token " + run.token() + ", "
              + run.sinceMillis() + ".." + run.seenUntilMillis() + ")");
        }
      }
    }
  }

  /** Every singleton instance seen, in the order first seen. */
  public synchronized List<Run> runs() {
    return List.copyOf(runs.values());
  }

  /** Proven moments of two nodes running one singleton. */
  public synchronized List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  /** The node running {@code singleton} as last seen, with a token above {@code aboveToken}; null if none yet. */
  public synchronized Run latest(String singleton, long aboveToken) {
    Run latest = null;
    for (Run r : runs.values()) {
      if (r.singleton().equals(singleton) && r.token() > aboveToken
          && (latest == null || r.seenUntilMillis() > latest.seenUntilMillis())) {
        latest = r;
      }
    }
    return latest;
  }

  public long answers() {
    return answers.get();
  }

  public long polls() {
    return polls.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
