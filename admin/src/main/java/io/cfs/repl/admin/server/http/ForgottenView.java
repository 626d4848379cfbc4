package io.cfs.repl.admin.server.http;

import io.cfs.repl.persistence.store.ForgottenOrigin;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /replication/peers/{peer}/forget-incarnation} answer: what this site forgot of the peer's journal.
 *
 * @param site this site
 * @param peer the peer whose history was forgotten
 * @param incarnation the incarnation of the peer's journal that was forgotten
 * @param watermarks per shard, the highest seq of that incarnation that had been applied here
 * @param entries the sum of those watermarks
 */
public record ForgottenView(String site, String peer, String incarnation, Map<Integer, Long> watermarks,
                            long entries) {

  public static ForgottenView of(String site, ForgottenOrigin forgotten) {
    return new ForgottenView(site, forgotten.origin(), forgotten.incarnation().toString(),
        new TreeMap<>(forgotten.watermarks()),
        forgotten.watermarks().values().stream().mapToLong(Long::longValue).sum());
  }
}
