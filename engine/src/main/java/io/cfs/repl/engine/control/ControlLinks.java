package io.cfs.repl.engine.control;

import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkClient;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  private final Map<String, SourceQueueWithComplete<Object>> queues = new ConcurrentHashMap<>();
  private final ActorSystem<?> system;
  private final LinkSettings settings;
  private final LinkSecurity security;
  private final String localSite;
  private final KryoCodec codec;
  private final RestartSettings restart;

  public ControlLinks(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, String localSite,
                      Map<String, List<InetSocketAddress>> voters, KryoCodec codec, Duration backoffMin,
                      Duration backoffMax) {
    this.system = system;
    this.settings = settings;
    this.security = security;
    this.localSite = localSite;
    this.codec = codec;
    // a voter that is down is what failover is for: its reconnect attempts are not warnings
    this.restart = RestartSettings.create(backoffMin, backoffMax, 0.2)
        .withLogSettings(RestartSettings.createLogSettings(Logging.DebugLevel()));
    voters.forEach(this::add);
    log.info("[{}] control links to {}", localSite, voters.keySet());
  }

  /** Opens the link to {@code voter} (a peer added by a reload); one already open is kept. */
  public void add(String voter, List<InetSocketAddress> addresses) {
    if (addresses.isEmpty()) throw new IllegalArgumentException("no address for voter " + voter);
    queues.computeIfAbsent(voter, v -> {
      AtomicInteger next = new AtomicInteger();
      return Source.<Object>queue(QUEUE, OverflowStrategy.dropHead())
          .map(codec::encodeToByteString)
          .via(RestartFlow.withBackoff(restart, () -> {
            InetSocketAddress address = addresses.get(Math.floorMod(next.getAndIncrement(), addresses.size()));
            return SiteLinkClient.connect(system, settings, security, localSite, voter, address, LinkMetrics.NONE,
                Handshake.Channel.CONTROL);
          }))
          .to(Sink.ignore())
          .run(system);
    });
  }

  /** Closes the link to {@code voter} (a peer removed by a reload). */
  public void remove(String voter) {
    SourceQueueWithComplete<Object> queue = queues.remove(voter);
    if (queue != null) queue.complete();
  }

  /**
   * Queues {@code message} for {@code voter}. A voter without a link was removed by a reload while the message was
   * decided: it is dropped, as a message to a voter that is down would be.
   */
  public void send(String voter, Object message) {
    SourceQueueWithComplete<Object> queue = queues.get(voter);
    if (queue == null) {
      log.debug("[{}] no control link to {} (removed): message dropped", localSite, voter);
      return;
    }
    queue.offer(message);
  }

  @Override
  public void close() {
    queues.values().forEach(SourceQueueWithComplete::complete);
  }
}
