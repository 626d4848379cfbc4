package io.cfs.repl.engine.failover;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * How a resolver's write permits reach every node of its site: each node registers a gate keeper with the
 * receptionist; the fanout on the resolver's node tells each keeper it knows of. A node that joins gets permits from
 * the next tick on, and until then its gate is closed.
 */
final class PermitFanout {
  private static final ServiceKey<WritePermit> GATES = ServiceKey.create(WritePermit.class, "cfs-repl-write-gates");

  private PermitFanout() {
  }

  /** The node's gate keeper: registers, then feeds {@code gate} every permit it is told. */
  static Behavior<WritePermit> keeper(PermitGate gate) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(GATES, ctx.getSelf()));
      return Behaviors.receiveMessage(permit -> {
        gate.accept(permit);
        return Behaviors.same();
      });
    });
  }

  /** Forwards each permit it is told to every registered keeper of the site. */
  static Behavior<Object> fanout() {
    return Behaviors.setup(ctx -> {
      ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, l -> l);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(GATES, listings));
      Set<ActorRef<WritePermit>> keepers = new HashSet<>();
      return Behaviors.receive(Object.class)
          .onMessage(Receptionist.Listing.class, listing -> {
            keepers.clear();
            keepers.addAll(listing.getServiceInstances(GATES));
            return Behaviors.same();
          })
          .onMessage(WritePermit.class, permit -> {
            keepers.forEach(keeper -> keeper.tell(permit));
            return Behaviors.same();
          })
          .build();
    });
  }
}
