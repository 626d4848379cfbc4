package io.cfs.repl.engine.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.model.entry.EntryArbitraries;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.StoredValue;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoDecodingException;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;

/**
 * The verify channel's decoder, run on every frame of a verification, both ends: any frame decodes to a verify
 * message, or is refused with {@link KryoDecodingException}, allocating in proportion to the frame.
 */
class VerifyCodecFuzzTest {
  // a Kryo decode allocates some tens of KiB whatever its input (exception traces and messages, record reflection)
  private static final long CONSTANT_ALLOWANCE = 256 * 1024;
  private final KryoCodec codec = KryoRegistrations.fromConfig(ConfigFactory.load());

  @Property
  void decodesOrRefusesAnyFrame(@ForAll("mutatedFrames") byte[] frame) {
    VerifyMessage decoded = decode(frame);
    if (decoded != null) {
      // records holding arrays compare them by identity: compare what they encode to
      assertThat(codec.encode(VerifyCodec.decode(codec, codec.encodeToByteString(decoded))))
          .isEqualTo(codec.encode(decoded));
    }
  }

  /** Found by reading the decoder: a frame of one null byte decoded to null and failed with a NullPointerException. */
  @Example
  void refusesANullFrame() {
    assertThat(Fuzz.run(() -> VerifyCodec.decode(codec, ByteString.fromArray(new byte[] {0}))).failure())
        .isInstanceOf(KryoDecodingException.class);
  }

  /**
   * Found by this property (seed -4038990787080619908, shrunk): a frame of fetched values whose value had no version
   * and no vectors decoded, and its round trip then failed; such a value is refused at the decoder now.
   */
  @Example
  void refusesAValueWithoutAVersion() {
    byte[] frame = {-47, 1, 32, -126, -41, 1, -128, -1, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0};
    assertThat(Fuzz.run(() -> VerifyCodec.decode(codec, ByteString.fromArray(frame))).failure())
        .isInstanceOf(KryoDecodingException.class);
  }

  private VerifyMessage decode(byte[] frame) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 64L * frame.length,
        () -> VerifyCodec.decode(codec, ByteString.fromArrayUnsafe(frame)), KryoDecodingException.class);
  }

  @Provide
  Arbitrary<byte[]> mutatedFrames() {
    Arbitrary<Version> versions = Combinators.combine(Arbitraries.longs().greaterOrEqual(0), EntryArbitraries.sites())
        .as(Version::new);
    Arbitrary<StoredValue> values = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0),
            versions, Arbitraries.of(Op.class), Arbitraries.of(true, false), Arbitraries.integers(),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(48))
        .as(StoredValue::new);
    Arbitrary<NodeDigest> digests = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs())
        .as(NodeDigest::new);
    Arbitrary<int[]> ints = Arbitraries.integers().array(int[].class).ofMaxSize(8);
    Arbitrary<VerifyMessage> messages = Arbitraries.oneOf(
        Arbitraries.just(new VerifyMessage.OpenTree()),
        digests.map(VerifyMessage.TreeOpened::new),
        Combinators.combine(Arbitraries.integers(), ints).as(VerifyMessage.Children::new),
        digests.list().ofMaxSize(4).map(List::copyOf).map(VerifyMessage.ChildDigests::new),
        Combinators.combine(Arbitraries.integers(), ints).as(VerifyMessage.Summaries::new),
        values.map(ValueSummary::of).list().ofMaxSize(4).map(List::copyOf).map(VerifyMessage.SummaryList::new),
        Arbitraries.longs().array(long[].class).ofMaxSize(8).map(VerifyMessage.Fetch::new),
        values.list().ofMaxSize(3).map(List::copyOf).map(VerifyMessage.Values::new),
        values.list().ofMaxSize(3).map(List::copyOf).map(VerifyMessage.Repair::new),
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(VerifyMessage.Repaired::new),
        Arbitraries.strings().ofMaxLength(40).map(VerifyMessage.Failed::new));
    return Fuzz.mutants(messages.map(codec::encode));
  }
}
