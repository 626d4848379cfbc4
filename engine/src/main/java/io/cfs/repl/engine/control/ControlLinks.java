package io.cfs.repl.engine.control;

import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkClient;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartFlow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This site's outgoing control links: one connection to every other voter (peer sites, the witness), each fed by a
 * small queue and kept up with backoff, rotating through the voter's addresses. Sending never blocks: control
 * messages are heartbeats and votes that a newer one supersedes, so a full queue drops its oldest, and a message
 * sent while a link is down is lost (the protocol repeats what matters on every heartbeat).
 */
public final class ControlLinks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlLinks.class);
  /** A few heartbeat intervals' worth: more is stale by the time it would be sent. */
  private static final int QUEUE = 32;

  private final Map<String, SourceQueueWithComplete<Object>> queues = new HashMap<>();

  public ControlLinks(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, String localSite,
                      Map<String, List<InetSocketAddress>> voters, KryoCodec codec, Duration backoffMin,
                      Duration backoffMax) {
    // a voter that is down is what failover is for: its reconnect attempts are not warnings
    RestartSettings restart = RestartSettings.create(backoffMin, backoffMax, 0.2)
        .withLogSettings(RestartSettings.createLogSettings(Logging.DebugLevel()));
    voters.forEach((voter, addresses) -> {
      if (addresses.isEmpty()) throw new IllegalArgumentException("no address for voter " + voter);
      AtomicInteger next = new AtomicInteger();
      SourceQueueWithComplete<Object> queue = Source.queue(QUEUE, OverflowStrategy.dropHead())
          .map(codec::encodeToByteString)
          .via(RestartFlow.withBackoff(restart, () -> {
            InetSocketAddress address = addresses.get(Math.floorMod(next.getAndIncrement(), addresses.size()));
            return SiteLinkClient.connect(system, settings, security, localSite, voter, address, LinkMetrics.NONE,
                Handshake.Channel.CONTROL);
          }))
          .to(Sink.ignore())
          .run(system);
      queues.put(voter, queue);
    });
    log.info("[{}] control links to {}", localSite, voters.keySet());
  }

  /** Queues {@code message} for {@code voter}; a message to an unknown voter is a bug of the caller. */
  public void send(String voter, Object message) {
    SourceQueueWithComplete<Object> queue = queues.get(voter);
    if (queue == null) throw new IllegalArgumentException("no control link to " + voter);
    queue.offer(message);
  }

  @Override
  public void close() {
    queues.values().forEach(SourceQueueWithComplete::complete);
  }
}
