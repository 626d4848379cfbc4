package io.cfs.repl.admin.server.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Readiness for {@code GET /ready}: true once the node accepts appends and peer links. */
public final class NodeReadyCheck implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  public NodeReadyCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(NodeExtension.of(system).node().isPresent());
  }
}
