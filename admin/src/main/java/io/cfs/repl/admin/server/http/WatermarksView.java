package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.node.ReplicationNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /store/watermarks} body: per origin site (this site and every peer), per shard, the highest seq this
 * site's store has applied. Equal to the origin's journal heads once replication has caught up; a shard stopped on a
 * gap stays below.
 *
 * @param site this site
 * @param origins origin site to shard to highest applied seq
 */
public record WatermarksView(String site, Map<String, Map<Integer, Long>> origins) {

  static WatermarksView of(ReplicationNode node) {
    Map<String, Map<Integer, Long>> origins = new TreeMap<>();
    node.origins().forEach(origin -> origins.put(origin, new TreeMap<>(node.store().watermarks(origin))));
    return new WatermarksView(node.siteId(), origins);
  }
}
