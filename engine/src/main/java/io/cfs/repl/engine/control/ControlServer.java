package io.cfs.repl.engine.control;

import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of other voters' control links: each frame is decoded and handed to {@code deliver} with the
 * sending voter named by the handshake (a message cannot speak for another site). Nothing is sent back: every voter
 * has its own link the other way. An undecodable frame, or one of a type {@code accepted} does not take, ends that
 * connection (the sender reconnects) and is logged; nothing is delivered from it.
 */
public final class ControlServer implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final String localSite;
  private final Predicate<String> voters;
  private final KryoCodec codec;
  private final Class<?> accepted;
  private final BiConsumer<String, Object> deliver;

  public ControlServer(String localSite, Set<String> voters, KryoCodec codec, Class<?> accepted,
                       BiConsumer<String, Object> deliver) {
    this(localSite, Set.copyOf(voters)::contains, codec, accepted, deliver);
  }

  /** @param voters whether a site is a voter now: a site's peers change when an operator reloads them */
  public ControlServer(String localSite, Predicate<String> voters, KryoCodec codec, Class<?> accepted,
                       BiConsumer<String, Object> deliver) {
    this.localSite = localSite;
    this.voters = voters;
    this.codec = codec;
    this.accepted = accepted;
    this.deliver = deliver;
  }

  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    if (!voters.test(hello.fromSite())) {
      throw new HandshakeRejectedException(HandshakeRejectedException.Reason.UNKNOWN_SITE,
          hello.fromSite() + " is not a failover voter known to " + localSite);
    }
    String from = hello.fromSite();
    Sink<ByteString, ?> in = Flow.<ByteString>create()
        // a frame of another type, or of null, fails the connection (KryoDecodingException) like an undecodable one
        .map(frame -> (Object) codec.decode(frame, accepted))
        .to(Sink.foreach(message -> deliver.accept(from, message)));
    // the outgoing side stays silent and open for as long as the sender keeps its side open
    return Flow.fromSinkAndSourceCoupled(in.mapMaterializedValue(done -> NotUsed.getInstance()),
            Source.<ByteString>maybe())
        .mapError(Throwable.class, failure -> {
          log.warn("[{}<-{}] control link failed: {}", localSite, from, failure.toString());
          return failure;
        });
  }
}
