package io.cfs.repl.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension for multi-process tests: gives each test an {@link ItContext} (parameter injection), prints its
 * seed first, and after the test closes every process and proxy it registered. Node logs are kept only when the
 * test failed (or with {@code -Dit.keepLogs=true}), and their paths are printed then; otherwise they are deleted.
 * Data dirs are always deleted unless {@code -Dit.keepData=true}.
 *
 * <p>System properties: {@code it.seed} (rerun with a seed), {@code it.logs.dir}, {@code it.data.dir},
 * {@code it.keepData}, {@code it.keepLogs}.
 */
public final class ItExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ItExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
    long seed = Long.getLong("it.seed", ThreadLocalRandom.current().nextLong());
    Path logDir = Path.of(System.getProperty("it.logs.dir", "target/it-logs")).resolve(name).toAbsolutePath();
    Path dataDir = Path.of(System.getProperty("it.data.dir", "target/it-data")).resolve(name).toAbsolutePath();
    deleteTree(logDir);
    deleteTree(dataDir);
    Files.createDirectories(logDir);
    Files.createDirectories(dataDir);
    System.out.printf("[it] %s seed=%d (rerun with -Dit.seed=%d -Dtest=%s)%n", name, seed, seed,
        context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName());
    context.getStore(NS).put(ItContext.class, new ItContext(name, seed, logDir, dataDir));
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    ItContext it = context.getStore(NS).remove(ItContext.class, ItContext.class);
    if (it == null) return;
    List<Throwable> closeFailures = it.closeAll();
    closeFailures.forEach(t -> System.out.println("[it] " + it.testName() + ": teardown: " + t));
    // a skipped test (failed assumption) did not fail
    boolean failed = context.getExecutionException().filter(t -> !(t instanceof TestAbortedException)).isPresent();
    if (failed || Boolean.getBoolean("it.keepLogs")) {
      System.out.printf("[it] %s %s (seed=%d); node logs kept:%n", failed ? "FAILED" : "passed", it.testName(),
          it.seed());
      try (Stream<Path> files = Files.list(it.logDir())) {
        files.sorted().forEach(f -> System.out.println("[it]   " + f));
      }
    } else {
      deleteTree(it.logDir());
    }
    if (!Boolean.getBoolean("it.keepData")) {
      deleteTree(it.dataDir());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == ItContext.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return extension.getStore(NS).get(ItContext.class, ItContext.class);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
