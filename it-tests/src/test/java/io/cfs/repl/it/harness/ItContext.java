package io.cfs.repl.it.harness;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What one integration test gets from {@link ItExtension}: its seed, its log and data directories, and a place to
 * register what must be closed after it (node processes, proxies, workloads), closed in reverse order.
 */
public final class ItContext {
  private final String testName;
  private final long seed;
  private final Path logDir;
  private final Path dataDir;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  ItContext(String testName, long seed, Path logDir, Path dataDir) {
    this.testName = testName;
    this.seed = seed;
    this.logDir = logDir;
    this.dataDir = dataDir;
  }

  public String testName() {
    return testName;
  }

  /** The seed of every random choice of this test (printed before it runs; {@code -Dit.seed=N} fixes it). */
  public long seed() {
    return seed;
  }

  /** target/it-logs/&lt;test&gt;: node logs and configs, kept only when the test fails. */
  public Path logDir() {
    return logDir;
  }

  /** target/it-data/&lt;test&gt;: node data dirs, deleted after the test (kept with {@code -Dit.keepData=true}). */
  public Path dataDir() {
    return dataDir;
  }

  /** A topology of the given sites whose cluster is closed after the test. */
  public Topology topology(String... sites) {
    return new Topology(this, List.of(sites));
  }

  public synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes everything registered, last first; returns what failed to close. */
  synchronized List<Throwable> closeAll() {
    List<Throwable> failures = new ArrayList<>();
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Throwable t) {
        failures.add(t);
      }
    }
    return failures;
  }
}
