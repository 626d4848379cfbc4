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
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /journal/stream}: a WebSocket carrying one binary batch per message. Each batch is answered, in order,
 * by a text message with the POST answer plus its 0-based index on the socket, once it is durable; the first refused
 * batch is answered with its error and the socket is closed.
 *
 * <p>Backpressure: messages are read one at a time, each bounded by max-request-bytes, and at most
 * stream-parallelism batches wait for the journal; beyond that the flow stops pulling, the socket stops being read
 * and TCP slows the client. Batches reach the journal in arrival order (the append call is made by the mapAsync
 * stage itself, never by a completion callback), so a client may pipeline consecutive seqs of a shard.
 */
final class IngestStream {
  private static final String WHERE = "stream";

  private final Ingestor ingestor;
  private final IngestSettings settings;
  private final Materializer materializer;

  IngestStream(Ingestor ingestor, IngestSettings settings, Materializer materializer) {
    this.ingestor = ingestor;
    this.settings = settings;
    this.materializer = materializer;
  }

  /** A received message: the bytes of a batch, or why it cannot be one. */
  private record Received(ByteString batch, IngestRejection refused) {
  }

  /** The outcome of one batch: its answer, or why it was refused (then it is the last on the socket). */
  private record Reply(long index, IngestResponse response, IngestRejection refused) {
  }

  Flow<Message, Message, NotUsed> flow() {
    return Flow.<Message>create()
        .mapAsync(1, this::receive)
        .zipWithIndex()
        .mapAsync(settings.streamParallelism(), indexed -> answer(indexed.first(), indexed.second()))
        .takeWhile(reply -> reply.refused() == null, true)
        .map(this::message);
  }

  private CompletionStage<Received> receive(Message message) {
    if (message.isText()) {
      message.asTextMessage().getStreamedText().runWith(Sink.ignore(), materializer);
      return CompletableFuture.completedFuture(new Received(null, IngestRejection.malformed(
          "text message: batches are binary messages (" + BinaryBatch.MEDIA_TYPE + " layout)", null, null)));
    }
    BinaryMessage binary = message.asBinaryMessage();
    if (binary.isStrict()) return CompletableFuture.completedFuture(bounded(binary.getStrictData()));
    int max = settings.maxRequestBytes();
    return binary.getStreamedData()
        .runWith(Sink.fold(ByteString.emptyByteString(), (collected, chunk) -> {
          if (collected.size() + chunk.size() > max) throw IngestRejection.requestTooLarge(max);
          return collected.concat(chunk);
        }), materializer)
        .handle((batch, failure) -> failure == null ? new Received(batch, null)
            : new Received(null, Ingestor.rejection(failure)));
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
    // Completed on the journal's writer thread: only wrap here; JSON and logging happen in the next stage.
    return ingestor.ingest(received.batch(), BatchFormat.BINARY).handle((response, failure) ->
        new Reply(index, response, failure == null ? null : Ingestor.rejection(failure)));
  }

  private Message message(Reply reply) {
    if (reply.refused() == null) return TextMessage.create(IngestJson.text(reply.response().withBatch(reply.index())));
    ingestor.logRejected(reply.refused(), WHERE + " batch " + reply.index());
    return TextMessage.create(IngestJson.text(reply.refused().body(reply.index())));
  }
}
