package io.cfs.repl.engine.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.ActorNotFound;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Finds a site singleton where it runs now: the child of its singleton manager on the oldest member of the site.
 * Pekko's singleton proxy looks again only when the oldest member changes, so it loses a singleton that restarted in
 * place (its lease lost and taken again on the same node) and buffers messages for it forever; this looks up the
 * instance on every call (one Identify round trip), so a restarted instance is found at once.
 */
public final class SingletonLocator {
  private SingletonLocator() {
  }

  /** The running instance of singleton {@code name}; fails with {@link ActorNotFound} when none runs now. */
  public static <T> CompletionStage<ActorRef<T>> locate(ActorSystem<?> system, String name, Duration timeout) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    Optional<Member> oldest = StreamSupport.stream(Cluster.get(classic).state().getMembers().spliterator(), false)
        // a Leaving member is still the oldest (and runs the singletons) until it exits
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving())
        .min(Member.ageOrdering());
    if (oldest.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException("no member of the site cluster is Up yet"));
    }
    String path = oldest.get().address() + "/system/singletonManager" + name + "/" + name;
    return classic.actorSelection(path).resolveOne(timeout).thenApply(Adapter::<T>toTyped);
  }
}
