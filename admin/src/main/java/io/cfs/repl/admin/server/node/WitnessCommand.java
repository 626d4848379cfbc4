package io.cfs.repl.admin.server.node;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.admin.cli.MachineLine;
import io.cfs.repl.engine.failover.WitnessNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the failover witness until it is stopped (SIGTERM stops it cleanly). */
@Command(name = "witness", mixinStandardHelpOptions = true,
    description = {"Run a failover witness: a voter that holds no data, so that two sites can fail over on their own."
        + " Its config has cfs-repl.witness (data-dir, link, sites) and the same cfs-repl.failover block as the"
        + " sites."})
public final class WitnessCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "HOCON file with cfs-repl.witness and cfs-repl.failover")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(configFile)) {
      System.err.println("cannot read config file " + configFile);
      return 2;
    }
    WitnessNode witness;
    try {
      witness = WitnessNode.start(ConfigFactory.parseFile(configFile.toFile()));
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      System.err.println("bad witness config " + configFile + ": " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      witness.close();
      stopped.countDown();
    }, "cfs-witness-shutdown"));
    MachineLine.print(System.out, "READY witness=%s link=%d", witness.id(), witness.linkPort());
    stopped.await();
    return 0;
  }
}
