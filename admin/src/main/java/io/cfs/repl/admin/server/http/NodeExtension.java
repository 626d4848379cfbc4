package io.cfs.repl.admin.server.http;

import com.typesafe.config.Config;
import io.cfs.repl.engine.node.ReplicationNode;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * Hands the running {@link ReplicationNode} to what Pekko Management instantiates by class name (route providers,
 * health checks), which only receive the actor system.
 */
public final class NodeExtension extends AbstractExtensionId<NodeExtension.Holder> implements ExtensionIdProvider {
  public static final NodeExtension ID = new NodeExtension();

  /** Holds the node once it has started. */
  public static final class Holder implements Extension {
    private volatile ReplicationNode node;
    private volatile Supplier<Config> configSource;

    /** A node whose peers cannot be reloaded (no configuration file to read again). */
    public void set(ReplicationNode node) {
      set(node, null);
    }

    /** @param configSource reads the node's configuration again, for a reload of its peers */
    public void set(ReplicationNode node, Supplier<Config> configSource) {
      this.configSource = configSource;
      this.node = node;
    }

    /** Where a reload of the peers reads the node's configuration; empty when it cannot be reloaded. */
    public Optional<Supplier<Config>> configSource() {
      return Optional.ofNullable(configSource);
    }

    public Optional<ReplicationNode> node() {
      return Optional.ofNullable(node);
    }
  }

  public static Holder of(ActorSystem system) {
    return ID.get(system);
  }

  @Override
  public Holder createExtension(ExtendedActorSystem system) {
    return new Holder();
  }

  @Override
  public NodeExtension lookup() {
    return ID;
  }
}
