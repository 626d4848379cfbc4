package io.cfs.repl.it.client;

import java.util.Map;

/**
 * The ingest endpoint's answer to an accepted batch (durable in the node's journal).
 *
 * @param written entries newly written
 * @param duplicates entries already in the journal (a retried batch)
 * @param heads per shard the journal's head seq after the batch
 * @param attempts requests it took, retries included (set by the client)
 */
public record IngestResult(long written, long duplicates, Map<Integer, Long> heads, int attempts) {
  public IngestResult {
    heads = heads == null ? Map.of() : Map.copyOf(heads);
  }

  public IngestResult withAttempts(int n) {
    return new IngestResult(written, duplicates, heads, n);
  }
}
