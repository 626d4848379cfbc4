package io.cfs.repl.admin.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /store/digest}: per-shard and overall hashes of a site's metadata store (tombstones included).
 *
 * @param hash one hash over all shards
 * @param inodes inode records in all
 * @param shards per shard number: inode count and hash
 */
public record Digest(String hash, long inodes, Map<Integer, ShardDigest> shards) {
  public Digest {
    shards = new TreeMap<>(shards);
  }

  public record ShardDigest(long inodes, String hash) {
    @Override
    public String toString() {
      return shorten(hash) + "/" + inodes;
    }
  }

  static Digest of(JsonNode json) {
    Map<Integer, ShardDigest> shards = new TreeMap<>();
    json.path("shards").fields().forEachRemaining(s -> shards.put(Integer.parseInt(s.getKey()),
        new ShardDigest(s.getValue().path("inodes").asLong(), s.getValue().path("hash").asText())));
    return new Digest(json.path("hash").asText(), json.path("inodes").asLong(), shards);
  }

  /** The first 12 characters of a hash, enough to tell digests apart in a report. */
  private static String shorten(String hash) {
    return hash.substring(0, Math.min(12, hash.length()));
  }

  @Override
  public String toString() {
    return shorten(hash) + "/" + inodes + " inodes";
  }

  /** Each site's digest, which ones differ from the first site's, and the shards where they differ. */
  static String describe(Map<String, Digest> digests) {
    List<String> parts = new ArrayList<>();
    Map.Entry<String, Digest> first = digests.entrySet().stream().findFirst().orElse(null);
    digests.forEach((site, d) -> parts.add(site + " " + d
        + (d.hash().equals(first.getValue().hash()) ? "" : " differs from " + first.getKey())));
    TreeSet<Integer> shards = new TreeSet<>();
    digests.values().forEach(d -> shards.addAll(d.shards().keySet()));
    for (int shard : shards) {
      Map<String, String> perSite = new LinkedHashMap<>();
      digests.forEach((site, d) -> {
        ShardDigest sd = d.shards().get(shard);
        perSite.put(site, sd == null ? "absent" : sd.toString());
      });
      if (perSite.values().stream().distinct().count() > 1) parts.add("shard " + shard + " " + perSite);
    }
    return String.join("; ", parts);
  }
}
