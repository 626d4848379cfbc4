package io.cfs.repl.engine.resync;

import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.List;
import java.util.Map;

/**
 * Messages of the resync channel after the handshake, Kryo-encoded, one per frame: the sending site's store in
 * chunks, then its marks; the receiver acknowledges each once it is durable. Registered in reference.conf.
 */
public sealed interface ResyncMessage {

  /**
   * Sender to receiver: values of the snapshot in inode key order, each after the last of the chunk before.
   *
   * @param resyncId the run this chunk belongs to (a resumed run keeps its id)
   * @param values live values and tombstones, at least one
   */
  record Chunk(long resyncId, List<StoredValue> values) implements ResyncMessage {
    public Chunk {
      values = List.copyOf(values);
    }
  }

  /** Sender to receiver: no values are left; install these marks (the run's, per origin). */
  record End(long resyncId, Map<String, OriginMarks> marks) implements ResyncMessage {
    public End {
      marks = Map.copyOf(marks);
    }
  }

  /**
   * Receiver to sender: a chunk is durable here, or (after {@link End}) the marks are installed.
   *
   * @param lastInodeId the last inode id of the acknowledged chunk (0 for an End)
   * @param values the values the chunk held
   * @param payloadBytes their payload bytes
   * @param written how many of them won last-write-wins here and were written
   * @param finished whether this acknowledges the End: the marks are installed
   * @param skipped the origins whose marks were not installed, and why (histories differ), in an End's ack
   */
  record Ack(long resyncId, long lastInodeId, int values, long payloadBytes, int written, boolean finished,
             Map<String, String> skipped) implements ResyncMessage {
    public Ack {
      skipped = Map.copyOf(skipped);
    }
  }

  /** Receiver to sender: the message is refused (malformed, too large, another run), nothing of it written. */
  record Refused(long resyncId, String reason) implements ResyncMessage {
  }
}
