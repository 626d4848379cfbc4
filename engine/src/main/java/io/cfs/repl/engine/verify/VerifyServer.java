package io.cfs.repl.engine.verify;

import io.cfs.repl.engine.membership.PeerSet;import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering end of verify links: a peer site that verifies against this one opens a link on the verify channel,
 * and each of its requests is answered from this site's store, one at a time, in order. An unknown site is refused
 * at the handshake; an undecodable frame or a frame that is not a request ends the conversation.
 */
public final class VerifyServer implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(VerifyServer.class);

  private final String site;
  private final PeerSet peers;
  private final MetadataStore store;
  private final Executor storage;
  private final AuditSink audit;
  private final KryoCodec codec;
  private final Duration keepAlive;

  /**
   * @param keepAlive how long the link may stay silent while a request runs before a {@link VerifyMessage.Working}
   *     is sent: well under the link's idle timeout
   */
  public VerifyServer(String site, PeerSet peers, MetadataStore store, Executor storage, AuditSink audit,
                      KryoCodec codec, Duration keepAlive) {
    this.site = site;
    this.peers = peers;
    this.store = store;
    this.storage = storage;
    this.audit = audit;
    this.codec = codec;
    this.keepAlive = keepAlive;
  }

  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    String peer = hello.fromSite();
    if (!peers.contains(peer)) {
      throw new HandshakeRejectedException(HandshakeRejectedException.Reason.UNKNOWN_SITE,
          peer + " is not a peer of " + site + ": it may not verify against its store");
    }
    log.info("[{}] {} opened a verification of this site's store", site, peer);
    VerifyResponder responder = new VerifyResponder(site, peer, store, storage, audit);
    return Flow.<ByteString>create()
        .map(frame -> VerifyCodec.decode(codec, frame))
        .mapAsync(1, responder::answer)
        .map(codec::encodeToByteString)
        // a tree build or a summary scan of a large store sends nothing for longer than the idle timeout
        .keepAlive(keepAlive, () -> codec.encodeToByteString(new VerifyMessage.Working()))
        .watchTermination((notUsed, done) -> {
          done.whenComplete((d, failure) -> log.info("[{}] verification by {} ended{}", site, peer,
              failure == null ? "" : ": " + failure));
          return NotUsed.getInstance();
        });
  }
}
