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
      assertThat(codec.decode(codec.encode(decoded))).usingRecursiveComparison().isEqualTo(decoded);
    }
  }

  @Property(tries = 1_000)
  void roundTripsMessages(@ForAll("messages") WireMessage message) {
    assertThat(decode(codec.encode(message).toArray())).usingRecursiveComparison().isEqualTo(message);
  }

  /** Found by reading the decoder: a frame of one null byte decoded to null and failed with a NullPointerException. */
  @Example
  void refusesANullFrame() {
    assertThat(Fuzz.run(() -> codec.decode(ByteString.fromArray(new byte[] {0}))).failure())
        .isInstanceOf(KryoDecodingException.class);
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
