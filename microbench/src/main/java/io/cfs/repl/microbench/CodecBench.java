package io.cfs.repl.microbench;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-entry codecs: the journal's entry format (every append and every journal read) and the wire's Kryo batch
 * (every shipped batch, both ends). Times are per 500-entry batch.
 */
@State(Scope.Thread)
public class CodecBench extends HotPathBench {
  private List<JournalEntry> batch;
  private byte[][] encoded;
  private KryoCodec kryo;
  private byte[] wire;

  @Setup
  public void setUp() {
    batch = Batches.next("site-a", new long[Batches.SHARDS], new SplittableRandom(1));
    encoded = batch.stream().map(EntryCodec::encode).toArray(byte[][]::new);
    kryo = KryoRegistrations.fromConfig(ConfigFactory.load());
    wire = kryo.encode(new ShipBatch(1, "site-a", batch));
  }

  @Benchmark
  public int journalEncodeBatch() {
    int bytes = 0;
    for (JournalEntry e : batch) bytes += EntryCodec.encode(e).length;
    return bytes;
  }

  @Benchmark
  public long journalDecodeBatch() {
    long sum = 0;
    for (byte[] b : encoded) sum += EntryCodec.decode(b).seq();
    return sum;
  }

  @Benchmark
  public byte[] wireEncodeBatch() {
    return kryo.encode(new ShipBatch(1, "site-a", batch));
  }

  @Benchmark
  public Object wireDecodeBatch() {
    return kryo.decode(wire);
  }
}
