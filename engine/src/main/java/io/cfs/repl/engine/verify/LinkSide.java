package io.cfs.repl.engine.verify;

import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.LinkSession;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkClient;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * The verifying site's end of a verify link: one request at a time, each waited for (the verification runs on a
 * thread of its own, never on an actor or a stream). Counts the bytes of every frame both ways, which the report
 * shows: what a verification costs the network.
 */
final class LinkSide implements AutoCloseable {
  private final KryoCodec codec;
  private final Duration timeout;
  private final SourceQueueWithComplete<ByteString> out;
  private final SinkQueueWithCancel<ByteString> in;
  private long sent;
  private long received;
  private long requests;

  private LinkSide(KryoCodec codec, Duration timeout, SourceQueueWithComplete<ByteString> out,
                   SinkQueueWithCancel<ByteString> in) {
    this.codec = codec;
    this.timeout = timeout;
    this.out = out;
    this.in = in;
  }

  /** Connects to {@code peer} at {@code address} and waits for the handshake. */
  static LinkSide open(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, KryoCodec codec,
                       String localSite, String peer, InetSocketAddress address, Duration timeout) throws Exception {
    Pair<Pair<SourceQueueWithComplete<ByteString>, java.util.concurrent.CompletionStage<LinkSession>>,
        SinkQueueWithCancel<ByteString>> running = Source.<ByteString>queue(1, OverflowStrategy.backpressure())
        .viaMat(SiteLinkClient.connect(system, settings, security, localSite, peer, address, LinkMetrics.NONE,
            Handshake.Channel.VERIFY), Keep.both())
        .toMat(Sink.queue(), Keep.both())
        .run(system);
    LinkSide side = new LinkSide(codec, timeout, running.first().first(), running.second());
    try {
      running.first().second().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      side.close();
      // the peer's refusal (HandshakeRejectedException) or the connection's failure, as it is
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (Exception e) {
      side.close();
      throw e;
    }
    return side;
  }

  /** Sends {@code request} and waits for its answer, within the timeout whatever keeps the link alive meanwhile. */
  VerifyMessage ask(VerifyMessage request) throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteString frame = codec.encodeToByteString(request);
    sent += frame.size();
    requests++;
    out.offer(frame).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new TimeoutException("no answer to " + request.getClass().getSimpleName() + " within "
          + timeout.toMillis() + " ms");
      ByteString answer = in.pull().toCompletableFuture().get(left, TimeUnit.NANOSECONDS)
          .orElseThrow(() -> new IllegalStateException("the peer closed the verify link"));
      received += answer.size();
      VerifyMessage message = VerifyCodec.decode(codec, answer);
      if (!(message instanceof VerifyMessage.Working)) return message;
    }
  }

  long bytesSent() {
    return sent;
  }

  long bytesReceived() {
    return received;
  }

  long requests() {
    return requests;
  }

  @Override
  public void close() {
    out.complete();
    in.cancel();
  }
}
