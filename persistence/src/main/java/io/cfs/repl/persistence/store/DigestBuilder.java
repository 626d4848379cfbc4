package io.cfs.repl.persistence.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Accumulates a {@link StoreDigest} from inode values fed in inode key order.
 *
 * <p>Per shard: SHA-256 over, for each inode, its id (8 bytes), hlc (8), origin site (2-byte length + UTF-8),
 * tombstone flag (1) and the CRC32C of its payload (4). Overall: SHA-256 over, for each shard in ascending order,
 * the shard number (4) and its 32-byte hash. Two stores holding the same values produce the same digest whatever
 * the order in which they were applied.
 */
final class DigestBuilder {
  private final Map<Integer, ShardHash> shards = new TreeMap<>();
  private long inodes;

  void add(StoredValue v) {
    shards.computeIfAbsent(v.shard(), s -> new ShardHash()).add(v);
    inodes++;
  }

  StoreDigest build() {
    MessageDigest overall = sha256();
    Map<Integer, StoreDigest.ShardDigest> result = new TreeMap<>();
    shards.forEach((shard, hash) -> {
      byte[] digest = hash.sha.digest();
      overall.update(ByteBuffer.allocate(4).putInt(shard).array());
      overall.update(digest);
      result.put(shard, new StoreDigest.ShardDigest(hash.inodes, HexFormat.of().formatHex(digest)));
    });
    return new StoreDigest(result, inodes, HexFormat.of().formatHex(overall.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  private static final class ShardHash {
    final MessageDigest sha = sha256();
    final CRC32C crc = new CRC32C();
    long inodes;

    void add(StoredValue v) {
      byte[] site = v.version().originSite().getBytes(StandardCharsets.UTF_8);
      crc.reset();
      crc.update(v.payload());
      sha.update(ByteBuffer.allocate(8 + 8 + 2 + site.length + 1 + 4)
          .putLong(v.inodeId()).putLong(v.version().hlc()).putShort((short) site.length).put(site)
          .put((byte) (v.tombstone() ? 1 : 0)).putInt((int) crc.getValue())
          .array());
      inodes++;
    }
  }
}
