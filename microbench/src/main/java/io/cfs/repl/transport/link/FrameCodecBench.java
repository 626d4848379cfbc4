package io.cfs.repl.transport.link;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.microbench.Batches;
import io.cfs.repl.microbench.HotPathBench;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.util.ByteString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A shipped batch's frame body (in the link's package: the codec is internal to it): LZ4 over the Kryo encoding of a
 * 500-entry batch, whose payloads are random bytes (LZ4 finds nothing) or inode records as {@code cfs bench} writes
 * them (it finds a lot), and back.
 */
@State(Scope.Thread)
public class FrameCodecBench extends HotPathBench {
  @Param({"random", "records"})
  public String payloads;

  private final FrameCodec codec = new FrameCodec(64 << 20, 512);
  private ByteString payload;
  private ByteString body;

  @Setup
  public void setUp() {
    List<JournalEntry> batch = Batches.next("site-a", new long[Batches.SHARDS], new SplittableRandom(1));
    if (payloads.equals("records")) batch = withRecords(batch);
    payload = ByteString.fromArrayUnsafe(KryoRegistrations.fromConfig(ConfigFactory.load())
        .encode(new ShipBatch(1, "site-a", batch)));
    body = codec.encode(payload);
  }

  private static List<JournalEntry> withRecords(List<JournalEntry> batch) {
    List<JournalEntry> out = new ArrayList<>(batch.size());
    for (JournalEntry e : batch) {
      byte[] record = ("{\"ino\":" + e.inodeId() + ",\"mode\":33188,\"uid\":1000,\"gid\":1000,\"size\":"
          + (e.hlc() % 100_000) + ",\"mtime\":" + e.hlc() + "}").getBytes(StandardCharsets.UTF_8);
      byte[] p = new byte[e.payload().length];
      for (int i = 0; i < p.length; i++) p[i] = record[i % record.length];
      out.add(JournalEntry.of(e.originSite(), e.shard(), e.seq(), e.hlc(), e.op(), e.inodeId(), e.schemaVersion(), p));
    }
    return out;
  }

  @Benchmark
  public ByteString encode() {
    return codec.encode(payload);
  }

  @Benchmark
  public ByteString decode() {
    return codec.decode(body);
  }
}
