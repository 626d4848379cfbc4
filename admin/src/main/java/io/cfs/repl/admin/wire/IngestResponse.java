package io.cfs.repl.admin.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to a durable batch: sent only once every entry of it is durable in the local journal.
 *
 * @param written entries newly written
 * @param duplicates entries already held with the same content (a retry), written nothing
 * @param heads for each shard the batch touched, the highest seq the journal now holds
 * @param hlc the site's hybrid logical clock once the batch was durable: at least every hlc the site has taken in,
 *     from its writers and its peers. A writer observes it (moves its own clock past it), so that a write that
 *     follows a read of a replicated value always carries a greater hlc than that value
 * @param batch on a stream, the 0-based index of the batch on its socket; absent on POST
 */
public record IngestResponse(int written, int duplicates, Map<Integer, Long> heads, long hlc,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Long batch) {
  public IngestResponse {
    heads = new TreeMap<>(heads); // shards in order, for people reading it
  }

  public IngestResponse withBatch(long index) {
    return new IngestResponse(written, duplicates, heads, hlc, index);
  }
}
