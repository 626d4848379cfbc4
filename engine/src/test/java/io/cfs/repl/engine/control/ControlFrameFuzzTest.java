package io.cfs.repl.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.failover.FailoverMessage;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import io.cfs.repl.engine.failover.Role;
import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoDecodingException;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;

/**
 * The control channel's decoder, as {@link ControlServer} runs it on every frame another voter sends: any frame
 * decodes to a failover message that re-encodes to an equal one, or is refused with {@link KryoDecodingException}
 * (which ends that connection), allocating in proportion to the frame.
 */
class ControlFrameFuzzTest {
  // a Kryo decode allocates some tens of KiB whatever its input (exception traces and messages, record reflection):
  // the bound is far below what the smallest unchecked count (a few MiB) would cost
  private static final long CONSTANT_ALLOWANCE = 256 * 1024;
  private final KryoCodec codec = KryoRegistrations.fromConfig(ConfigFactory.load());

  @Property
  void decodesOrRefusesAnyFrame(@ForAll("mutatedFrames") byte[] frame) {
    FailoverMessage decoded = decode(frame);
    if (decoded != null) {
      assertThat(codec.decode(codec.encodeToByteString(decoded), FailoverMessage.class)).isEqualTo(decoded);
    }
  }

  /**
   * Found by the fuzzer: every registered class can arrive on a link, and the replicator's persisted CursorsAdvanced
   * (id 120) sized its map from the count it read: 266 KB for a 13-byte frame, a table of 2^30 entries for a count
   * of 2^29. The count is now checked against the bytes left before the frame is refused as not a FailoverMessage.
   */
  @Example
  void refusesACursorCountBeyondTheFrameWithoutSizingAMapForIt() {
    for (int count : new int[] {0x1fffffff, 0x3fffffff, 0x7fffffff, 100_000}) {
      Output out = new Output(16);
      out.writeVarInt(122, true);
      out.writeByte(1);
      out.writeVarInt(count, true);
      out.writeVarInt(1, true);
      byte[] frame = out.toBytes();
      assertThat(Fuzz.run(() -> codec.decode(ByteString.fromArrayUnsafe(frame), FailoverMessage.class)).failure())
          .isInstanceOf(KryoDecodingException.class);
      decode(frame);
    }
  }

  private FailoverMessage decode(byte[] frame) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 64L * frame.length,
        () -> codec.decode(ByteString.fromArrayUnsafe(frame), FailoverMessage.class), KryoDecodingException.class);
  }

  @Provide
  Arbitrary<byte[]> mutatedFrames() {
    Arbitrary<String> sites = Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1)
        .ofMaxLength(12);
    Arbitrary<View> views = Combinators.combine(Arbitraries.longs(), sites.injectNull(0.2), Arbitraries.of(Role.class),
        Arbitraries.longs()).as(View::new);
    Arbitrary<FailoverMessage.Echo> echoes = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
        .as(FailoverMessage.Echo::new);
    Arbitrary<FailoverMessage> messages = Arbitraries.oneOf(
        Combinators.combine(views, Arbitraries.longs(), echoes.injectNull(0.5)).as(FailoverMessage.Heartbeat::new),
        Combinators.combine(views, Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(true, false),
            Arbitraries.of(true, false)).as(FailoverMessage.VoteRequest::new),
        Combinators.combine(views, Arbitraries.longs(), Arbitraries.of(FailoverMessage.Vote.class))
            .as(FailoverMessage.VoteReply::new),
        Combinators.combine(views, sites).as(FailoverMessage.Handover::new));
    return Fuzz.mutants(messages.map(codec::encode));
  }
}
