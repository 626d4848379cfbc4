package io.cfs.repl.engine.failover;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.control.ChannelRouter;
import io.cfs.repl.engine.control.ControlLinks;
import io.cfs.repl.engine.control.ControlServer;
import io.cfs.repl.engine.node.CursorSchema;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.tls.TlsMetrics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cfs witness}: a voter that holds no data. It keeps its votes as events in an embedded H2 database under its
 * data dir (written through before each vote leaves), beats and echoes like a site, and listens for the sites' control
 * links on its own port. No cluster: one process, one voter.
 *
 * <pre>
 * cfs-repl.witness {
 *   data-dir = "/var/lib/cfs-repl/witness"
 *   link { host = "0.0.0.0", port = 9600 }
 *   sites { site-a { host = "10.0.1.10", port = 9500 }, site-b { host = "10.0.2.10", port = 9500 } }
 * }
 * cfs-repl.failover { mode = "active-passive", witness { id = "witness", host = ..., port = 9600 }, ... }
 * </pre>
 */
public final class WitnessNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WitnessNode.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final ActorSystem<SplitBrainResolver.Command> system;
  private final ControlLinks links;
  private final Tcp.ServerBinding binding;
  private final String id;
  private final ActorRef<SplitBrainResolver.Command> resolver;

  private WitnessNode(ActorSystem<SplitBrainResolver.Command> system, ControlLinks links, Tcp.ServerBinding binding,
                      String id, ActorRef<SplitBrainResolver.Command> resolver) {
    this.resolver = resolver;
    this.system = system;
    this.links = links;
    this.binding = binding;
    this.id = id;
  }

  /** Starts the witness from an operator's config (merged with reference.conf by the caller or here). */
  public static WitnessNode start(Config operator) throws Exception {
    Config base = operator.withFallback(NodeConfig.base()).resolve();
    Config w = base.getConfig("cfs-repl.witness");
    Map<String, List<InetSocketAddress>> sites = new TreeMap<>();
    Config siteBlock = w.getConfig("sites");
    for (String site : siteBlock.root().keySet()) {
      Config s = siteBlock.getConfig("\"" + site + "\"");
      sites.put(site, List.of(InetSocketAddress.createUnresolved(s.getString("host"), s.getInt("port"))));
    }
    FailoverSettings settings = FailoverConfig.settings(base, sites.keySet());
    if (!settings.activePassive()) {
      throw new IllegalArgumentException("a witness needs cfs-repl.failover.mode = active-passive");
    }
    String id = settings.witness().orElseThrow(() ->
        new IllegalArgumentException("cfs-repl.failover.witness.id must name this witness"));
    Path dataDir = Path.of(w.getString("data-dir"));
    Config config = derived(base, dataDir);
    CursorSchema.createH2(config);

    KryoCodec codec = KryoRegistrations.fromConfig(config);
    LinkSettings link = LinkSettings.create(config);
    ActorSystem<SplitBrainResolver.Command> system = ActorSystem.create(Behaviors.empty(), "cfs-witness", config);
    LinkSecurity security;
    try {
      security = LinkSecurity.create(system, link.tls(), id, TlsMetrics.NONE);
    } catch (IllegalArgumentException e) {
      system.terminate();
      throw e;
    }
    ControlLinks links = new ControlLinks(system, link, security, id, sites, codec, settings.heartbeatInterval(),
        settings.downAfter());
    try {
      FailoverWiring wiring = new FailoverWiring(id, settings, links, permit -> { }, FailoverListener.NONE,
          peer -> CompletableFuture.completedFuture(LinkLag.UNKNOWN), origin -> CompletableFuture.completedFuture(0L),
          sites::keySet);
      ActorRef<SplitBrainResolver.Command> resolver = system.systemActorOf(SplitBrainResolver.create(wiring, null),
          "witness", org.apache.pekko.actor.typed.Props.empty());
      LinkHandler noData = ChannelRouter.refusing(id + " is a failover witness: it holds no data");
      ControlServer control = new ControlServer(id, sites.keySet(), codec, FailoverMessage.class,
          (from, message) -> resolver.tell(new SplitBrainResolver.Incoming(from, (FailoverMessage) message)));
      Tcp.ServerBinding binding = SiteLinkServer.bind(system, link, security, id, w.getString("link.host"),
          w.getInt("link.port"), new ChannelRouter(noData, control, noData, noData), LinkMetrics.NONE)
          .toCompletableFuture().get(STARTUP.toSeconds(), TimeUnit.SECONDS);
      log.info("[{}] witness up: votes in {}, control links from {} on {}", id, dataDir, sites.keySet(),
          binding.localAddress());
      return new WitnessNode(system, links, binding, id, resolver);
    } catch (Exception e) {
      links.close();
      system.terminate();
      throw e;
    }
  }

  /** Pekko settings of a witness: local actors only, its votes in H2 under the data dir (kill -9 safe). */
  private static Config derived(Config base, Path dataDir) {
    Map<String, Object> keys = new HashMap<>();
    keys.put("pekko.actor.provider", "local");
    String slick = "pekko-persistence-jdbc.shared-databases.slick.";
    keys.put(slick + "profile", "slick.jdbc.H2Profile$");
    keys.put(slick + "db.url", "jdbc:h2:file:" + dataDir.resolve("votes").resolve("votes")
        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    keys.put(slick + "db.driver", "org.h2.Driver");
    return ConfigFactory.parseMap(keys).withFallback(base).resolve();
  }

  public String id() {
    return id;
  }

  public int linkPort() {
    return binding.localAddress().getPort();
  }

  public CompletionStage<FailoverStatus> status(Duration timeout) {
    return AskPattern.ask(resolver, SplitBrainResolver.GetStatus::new, timeout, system.scheduler());
  }

  @Override
  public void close() {
    links.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("[{}] witness did not stop within 30 s: {}", id, e.toString());
    }
  }
}
