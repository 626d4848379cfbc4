package io.cfs.repl.admin.cli;

import io.cfs.repl.admin.server.node.NodeCommand;
import io.cfs.repl.admin.server.node.WitnessCommand;
import io.cfs.repl.admin.tools.bench.BenchCommand;
import io.cfs.repl.admin.tools.check.CheckCommand;
import io.cfs.repl.admin.tools.demo.DemoCommand;
import io.cfs.repl.admin.tools.load.LoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cfs} command line. */
@Command(name = "cfs", mixinStandardHelpOptions = true, version = "cfs-repl 0.1.0",
    description = "cfs-repl: multi-site metadata replication.",
    subcommands = {NodeCommand.class, WitnessCommand.class, DemoCommand.class, BenchCommand.class, LoadCommand.class,
        CheckCommand.class, AdminCommand.class})
public final class Cfs {
  /**
   * The common pool's parallelism, unless the operator set it. With one (the JDK's default on two cores), every
   * CompletableFuture callback without an executor gets a thread of its own, and Pekko hands out its futures as
   * CompletableFutures whose plain callbacks (thenApply, handle...) are all such: a node then started and ended a
   * thread per ingested batch (JFR, issue 15). Set before anything touches the pool.
   */
  static void commonPoolParallelism() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  public static void main(String[] args) {
    commonPoolParallelism();
    int code;
    try {
      code = new CommandLine(new Cfs()).execute(args);
    } catch (Throwable fatal) { // an Error escaping a command must still end the JVM, not leave it half-running
      fatal.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }
}
