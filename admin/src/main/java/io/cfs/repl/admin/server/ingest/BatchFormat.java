package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.admin.wire.BinaryBatch;
import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.admin.wire.JsonBatch;
import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.util.ByteString;

/** The two encodings of a batch, chosen by the request's media type. */
enum BatchFormat {
  JSON("application/json") {
    @Override
    List<JournalEntry> decode(ByteString body, int maxEntries) {
      return JsonBatch.decode(body.toArrayUnsafe(), maxEntries);
    }
  },
  BINARY(BinaryBatch.MEDIA_TYPE) {
    @Override
    List<JournalEntry> decode(ByteString body, int maxEntries) {
      return BinaryBatch.decode(body.asByteBuffer(), maxEntries);
    }
  };

  private final String mediaType;

  BatchFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /** Decodes a whole batch, or throws an {@link IngestRejection} naming the first entry it cannot take. */
  abstract List<JournalEntry> decode(ByteString body, int maxEntries);

  static Optional<BatchFormat> of(MediaType type) {
    String name = type.mainType() + "/" + type.subType();
    for (BatchFormat f : values()) {
      if (f.mediaType.equalsIgnoreCase(name)) return Optional.of(f);
    }
    return Optional.empty();
  }
}
