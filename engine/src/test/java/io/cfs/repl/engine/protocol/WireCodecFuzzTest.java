package io.cfs.repl.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.model.entry.EntryArbitraries;
import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.transport.kryo.KryoDecodingException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;

/**
 * WireCodec reads every frame of a data link (batches one way, acks and rejections the other), with the
 * registrations of reference.conf: any frame decodes to a wire message that re-encodes to an equal one, or is
 * refused with {@link KryoDecodingException}, allocating in proportion to the frame.
 */
class WireCodecFuzzTest {
  // a Kryo decode allocates some tens of KiB whatever its input (exception traces and messages, record reflection):
  // the bound is far below what the smallest unchecked count (a few MiB) would cost
  private static final long CONSTANT_ALLOWANCE = 256 * 1024;
  private final WireCodec codec = WireCodec.create(ConfigFactory.load());

  @Property
  void decodesOrRefusesAnyFrame(@ForAll("mutatedFrames") byte[] frame) {
    WireMessage decoded = decode(frame);
    if (decoded != null) {
      assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
    }
  }

  @Property(tries = 1_000)
  void roundTripsMessages(@ForAll("messages") WireMessage message) {
    assertThat(decode(codec.encode(message).toArray())).isEqualTo(message);
  }

  /** Found by reading the decoder: a frame of one null byte decoded to null and failed with a NullPointerException. */
  @Example
  void refusesANullFrame() {
    assertThat(Fuzz.run(() -> codec.decode(ByteString.fromArray(new byte[] {0}))).failure())
        .isInstanceOf(KryoDecodingException.class);
  }

  /**
   * Found by the fuzzer: Kryo writes the class of each map value, so a frame could carry a BatchAck whose
   * {@code Map<Integer, Long>} held a byte[]; it decoded, and would have failed with a ClassCastException where the
   * replicator reads the watermarks. Here an ack's value is swapped for a byte[] by hand.
   */
  @Example
  void refusesAnAckWhoseWatermarksHoldAnotherType() {
    byte[] ack = codec.encode(new BatchAck(1, java.util.Map.of(3, 7L), java.util.List.of(), 1, 0)).toArray();
    // in the encoding, Long 7 is its class (Kryo's long, id 7: written 9) and a varint 7; byte[] is id 10 (written 12)
    byte[] tampered = replaceOnce(ack, new byte[] {9, 14}, new byte[] {12, 2, 42});
    assertThat(Fuzz.run(() -> codec.decode(ByteString.fromArrayUnsafe(tampered))).failure())
        .isInstanceOf(KryoDecodingException.class);
  }

  private static byte[] replaceOnce(byte[] in, byte[] find, byte[] with) {
    for (int i = 0; i + find.length <= in.length; i++) {
      if (java.util.Arrays.equals(in, i, i + find.length, find, 0, find.length)) {
        byte[] out = new byte[in.length - find.length + with.length];
        System.arraycopy(in, 0, out, 0, i);
        System.arraycopy(with, 0, out, i, with.length);
        System.arraycopy(in, i + find.length, out, i + with.length, in.length - i - find.length);
        return out;
      }
    }
    throw new AssertionError("pattern not found in " + java.util.Arrays.toString(in));
  }

  private WireMessage decode(byte[] frame) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 64L * frame.length,
        () -> codec.decode(ByteString.fromArrayUnsafe(frame)), KryoDecodingException.class);
  }

  @Provide
  Arbitrary<WireMessage> messages() {
    Arbitrary<String> sites = EntryArbitraries.sites();
    Arbitrary<ShipBatch> batches = Combinators.combine(Arbitraries.longs(), sites,
            EntryArbitraries.entries(64).list().ofMaxSize(4),
            Arbitraries.strings().ofMaxLength(60).injectNull(0.5), Arbitraries.longs(),
            Arbitraries.longs().greaterOrEqual(0))
        .as(ShipBatch::new);
    Arbitrary<BatchAck.Timestamps> clocks = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(),
        Arbitraries.longs()).as(BatchAck.Timestamps::new);
    Arbitrary<Gap> gaps = Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), Arbitraries.longs())
        .as(Gap::new);
    Arbitrary<BatchAck> acks = Combinators.combine(Arbitraries.longs(),
            Arbitraries.maps(Arbitraries.integers(), Arbitraries.longs()).ofMaxSize(6), gaps.list().ofMaxSize(3),
            Arbitraries.integers(), Arbitraries.integers(), clocks, Arbitraries.longs())
        .as(BatchAck::new);
    Arbitrary<BatchRejected> rejections = Combinators.combine(Arbitraries.longs(),
            Arbitraries.of(BatchRejected.Reason.class), Arbitraries.strings().ofMaxLength(80), Arbitraries.longs())
        .as(BatchRejected::new);
    return Arbitraries.oneOf(batches, acks, rejections);
  }

  @Provide
  Arbitrary<byte[]> mutatedFrames() {
    return Fuzz.mutants(messages().map(m -> codec.encode(m).toArray()));
  }
}
