package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.lease.SingletonLocator;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Every node takes other voters' control links; this node-local actor hands what arrives to the site's resolver,
 * wherever in the site it runs. It looks the resolver up once and watches it: while none is known, messages are
 * dropped (heartbeats repeat, votes are retried by their candidate) and a lookup runs.
 */
final class ResolverInbox {
  interface Command {
  }

  record Deliver(SplitBrainResolver.Command command) implements Command {
  }

  private record Located(ActorRef<SplitBrainResolver.Command> resolver) implements Command {
  }

  private enum LookupFailed implements Command { INSTANCE }

  private ResolverInbox() {
  }

  static Behavior<Command> create(String singleton, Duration lookupTimeout) {
    return Behaviors.setup(ctx -> new Object() {
      ActorRef<SplitBrainResolver.Command> resolver;
      boolean looking;

      Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(Deliver.class, d -> {
              if (resolver != null) resolver.tell(d.command());
              else lookUp();
              return Behaviors.same();
            })
            .onMessage(Located.class, l -> {
              looking = false;
              resolver = l.resolver();
              ctx.watch(resolver);
              return Behaviors.same();
            })
            .onMessage(LookupFailed.class, f -> {
              looking = false;
              return Behaviors.same();
            })
            .onSignal(Terminated.class, t -> {
              if (t.getRef().equals(resolver)) resolver = null;
              return Behaviors.same();
            })
            .build();
      }

      void lookUp() {
        if (looking) return;
        looking = true;
        ctx.pipeToSelf(SingletonLocator.<SplitBrainResolver.Command>locate(ctx.getSystem(), singleton,
            lookupTimeout), (ref, failure) -> ref != null ? new Located(ref) : LookupFailed.INSTANCE);
      }
    }.behavior());
  }
}
