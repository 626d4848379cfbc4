package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestJson;
import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.admin.wire.IngestResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /journal/stream}: a WebSocket carrying one binary batch per message. Each batch is answered, in order,
 * by a text message with the POST answer plus its 0-based index on the socket, once it is durable; the first refused
 * batch is answered with its error and the socket is closed.
 *
 * <p>Backpressure: messages are read one at a time, each bounded by max-request-bytes, and at most
 * stream-parallelism batches wait for the journal; beyond that the flow stops pulling, the socket stops being read
 * and TCP slows the client. However long the journal takes (RocksDB stopping writes, a slow disk), the messages
 * waiting meanwhile are not cancelled: the ingest's materializer never times them out ({@link IngestServer}).
 * Batches reach the journal in arrival order (the append call is made by the mapAsync stage itself, never by a
 * completion callback), so a client may pipeline consecutive seqs of a shard.
 *
 * <p>Every message is read to its end, an oversized one too (it keeps at most max-request-bytes and drops the rest):
 * the data of a streamed message must never be cancelled mid-message. Pekko HTTP splits the socket's frames into
 * messages with {@code splitAfter}, which since Pekko 1.1 (apache/pekko#252) follows the supervision strategy (stop)
 * instead of draining: a message cancelled mid-way cancels the socket's whole message stream, and a cancellation
 * caused by a failure fails it, so the handler failed, the socket closed with 1011 and the refusal queued behind it
 * was lost.
 */
final class IngestStream {
  private static final String WHERE = "stream";

  private final Ingestor ingestor;
  private final IngestSettings settings;

  IngestStream(Ingestor ingestor, IngestSettings settings) {
    this.ingestor = ingestor;
    this.settings = settings;
  }

  /** A received message: the bytes of a batch, or why it cannot be one. */
  private record Received(ByteString batch, IngestRejection refused) {
  }

  /** A streamed message read so far: its first max-request-bytes at most, and whether it had more. */
  private record Collected(ByteString bytes, boolean tooLarge) {
    static final Collected NONE = new Collected(ByteString.emptyByteString(), false);

    Collected add(ByteString chunk, int max) {
      if (tooLarge) return this;
      return bytes.size() + chunk.size() > max ? new Collected(ByteString.emptyByteString(), true)
          : new Collected(bytes.concat(chunk), false);
    }
  }

  /** The outcome of one batch: its answer, or why it was refused (then it is the last on the socket). */
  private record Reply(long index, IngestResponse response, IngestRejection refused) {
  }

  Flow<Message, Message, NotUsed> flow() {
    return Flow.<Message>create()
        // flatMapConcat runs each message's data inside this stream: a stream of its own per message cost an actor
        // and several thread hops per batch
        .flatMapConcat(this::receive)
        .zipWithIndex()
        .mapAsync(settings.streamParallelism(), indexed -> answer(indexed.first(), indexed.second()))
        .takeWhile(reply -> reply.refused() == null, true)
        .map(this::message);
  }

  private Source<Received, ?> receive(Message message) {
    if (message.isText()) {
      return message.asTextMessage().getStreamedText()
          .fold(0, (ignored, chunk) -> 0)
          .map(ignored -> new Received(null, IngestRejection.malformed(
              "text message: batches are binary messages (" + BinaryBatch.MEDIA_TYPE + " layout)", null, null)));
    }
    BinaryMessage binary = message.asBinaryMessage();
    if (binary.isStrict()) return Source.single(bounded(binary.getStrictData()));
    int max = settings.maxRequestBytes();
    // read to the end of the message even past max (see the class comment): never cancel its data
    return binary.getStreamedData()
        .fold(Collected.NONE, (collected, chunk) -> collected.add(chunk, max))
        .map(collected -> collected.tooLarge() ? new Received(null, IngestRejection.requestTooLarge(max))
            : new Received(collected.bytes(), null))
        .recover(new PFBuilder<Throwable, Received>()
            .match(Throwable.class, failure -> new Received(null, Ingestor.rejection(failure)))
            .build());
  }

  private Received bounded(ByteString batch) {
    return batch.size() > settings.maxRequestBytes()
        ? new Received(null, IngestRejection.requestTooLarge(settings.maxRequestBytes()))
        : new Received(batch, null);
  }

  private CompletionStage<Reply> answer(Received received, long index) {
    if (received.refused() != null) {
      return CompletableFuture.completedFuture(new Reply(index, null, received.refused()));
    }
    // Completed on the journal's writer (a thread of its own): only wrap here; JSON and logging happen in the next
    // stage.
    return ingestor.ingest(received.batch(), BatchFormat.BINARY).handle((response, failure) ->
        new Reply(index, response, failure == null ? null : Ingestor.rejection(failure)));
  }

  private Message message(Reply reply) {
    if (reply.refused() == null) return TextMessage.create(IngestJson.text(reply.response().withBatch(reply.index())));
    ingestor.logRejected(reply.refused(), WHERE + " batch " + reply.index());
    return TextMessage.create(IngestJson.text(reply.refused().body(reply.index())));
  }
}
