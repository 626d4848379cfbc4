package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.node.ReplicationNode;
import java.util.Optional;
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

    public void set(ReplicationNode node) {
      this.node = node;
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
