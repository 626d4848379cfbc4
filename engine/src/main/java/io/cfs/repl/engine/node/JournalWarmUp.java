package io.cfs.repl.engine.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Recovers an empty persistent actor once when the node starts, so that the first real recovery on this node (a
 * SiteReplicator arriving after a failover) does not also pay for starting the journal plugin and preparing its
 * queries: measured at about 2 s of a failover before this. Writes nothing.
 */
final class JournalWarmUp extends EventSourcedBehavior<JournalWarmUp.Stop, Object, String> {
  enum Stop { INSTANCE }

  private final ActorContext<Stop> context;
  private final CompletableFuture<Void> recovered;

  private JournalWarmUp(ActorContext<Stop> context, String node, CompletableFuture<Void> recovered) {
    super(PersistenceId.of("cfs-repl-warm-up", node));
    this.context = context;
    this.recovered = recovered;
  }

  /** Recovers once and waits for it (at most {@code timeout}; a slow warm-up only costs the first failover). */
  static void run(ActorSystem<?> system, Duration timeout) {
    CompletableFuture<Void> recovered = new CompletableFuture<>();
    Behavior<Stop> warmUp = Behaviors.setup(ctx -> new JournalWarmUp(ctx, system.address().hostPort(), recovered));
    system.systemActorOf(warmUp, "journal-warm-up", Props.empty());
    try {
      recovered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      system.log().warn("the cursor journal did not warm up within {}: {}", timeout, e.toString());
    }
  }

  @Override
  public String emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Stop, Object, String> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(stop -> Effect().stop());
  }

  @Override
  public EventHandler<String, Object> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
  }

  @Override
  public SignalHandler<String> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      recovered.complete(null);
      context.getSelf().tell(Stop.INSTANCE);
    }).build();
  }
}
