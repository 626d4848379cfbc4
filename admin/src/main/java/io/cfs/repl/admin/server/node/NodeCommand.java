package io.cfs.repl.admin.server.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.admin.cli.MachineLine;
import io.cfs.repl.admin.server.http.AdminSettings;
import io.cfs.repl.admin.server.http.NodeExtension;
import io.cfs.repl.admin.server.https.HttpsSettings;
import io.cfs.repl.admin.server.ingest.IngestServer;
import io.cfs.repl.admin.server.ingest.IngestSettings;
import io.cfs.repl.admin.server.metrics.Observability;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.NodeSettings;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one node of one site until it is stopped (SIGTERM stops it cleanly). */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one replication node from a HOCON file.")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "HOCON file with cfs-repl.node settings")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(configFile)) {
      System.err.println("cannot read config file " + configFile);
      return 2;
    }
    Config user = ConfigFactory.parseFile(configFile.toFile());
    Config config = NodeConfig.load(user);
    IngestSettings ingestSettings;
    HttpsSettings adminHttps;
    try {
      // the listeners' settings (their tokens among them) are checked before anything starts
      AdminSettings.create(config);
      ingestSettings = IngestSettings.create(config);
      // site links: TLS files that this site can use, or insecure = true (one of the two)
      NodeSettings nodeSettings = NodeSettings.create(config);
      LinkSecurity.check(LinkSettings.create(config).tls(), nodeSettings.siteId());
      adminHttps = HttpsSettings.create(config, AdminSettings.PATH);
      if (adminHttps.enabled() && !nodeSettings.contactPoints().isEmpty()) {
        throw new IllegalArgumentException(AdminSettings.PATH + ".https.enabled = on with cfs-repl.node.cluster"
            + ".contact-points: Cluster Bootstrap probes the contact points over plain HTTP");
      }
    } catch (IllegalArgumentException bad) {
      System.err.println("bad config: " + bad.getMessage());
      return 2;
    }
    NodeHooks hooks = Observability.hooks(config);
    ReplicationNode node = ReplicationNode.start(config, hooks);
    try {
      // a reload of the peers reads this file again (POST /replication/peers/reload)
      NodeExtension.of(node.system().classicSystem()).set(node,
          () -> NodeConfig.load(ConfigFactory.parseFile(configFile.toFile())));
      Uri admin = PekkoManagement.get(node.system().classicSystem())
          .start(adminHttps::applyTo)
          .toCompletableFuture().get();
      if (!node.settings().contactPoints().isEmpty()) {
        // a site of several nodes: join the site's cluster through its contact points (the admin endpoints)
        ClusterBootstrap.get(node.system().classicSystem()).start();
      }
      // Stops with the actor system (coordinated shutdown), before node.close() releases the journal.
      IngestServer ingest = IngestServer.start(node.system(), node.journal(), node::conflicts,
          node.storageExecutor(), ingestSettings, hooks.metrics(), node.applyLag().ages()).toCompletableFuture().get();
      Runtime.getRuntime().addShutdownHook(new Thread(node::close, "cfs-node-shutdown"));
      MachineLine.print(System.out, "READY site=%s link=%d admin=%s", node.siteId(), node.linkPort(), admin);
      MachineLine.print(System.out, "INGEST port=%d", ingest.port());
      MachineLine.print(System.out, "METRICS %s", Observability.describe());
    } catch (Throwable startupFailure) {
      // Never leave a node replicating without its admin and ingest endpoints.
      node.close();
      throw startupFailure;
    }
    node.system().getWhenTerminated().toCompletableFuture().get();
    return 0;
  }
}
