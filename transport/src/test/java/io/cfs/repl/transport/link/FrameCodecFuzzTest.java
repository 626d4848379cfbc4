package io.cfs.repl.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;

/**
 * FrameCodec reads every frame body a peer sends after the handshake: any body decodes to a payload that survives
 * another round trip, or is refused with {@link MalformedFrameException}; a compressed body allocates no more than
 * its block can expand to, whatever uncompressed length it declares.
 */
class FrameCodecFuzzTest {
  // the codec's own limit is far above what the small inputs here may make it allocate
  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
  private final FrameCodec codec = new FrameCodec(MAX_FRAME_BYTES, 64);

  @Property
  void decodesOrRefusesAnyBody(@ForAll("mutatedBodies") byte[] body) {
    ByteString payload = decode(body);
    if (payload != null) {
      assertThat(codec.decode(codec.encode(payload))).isEqualTo(payload);
    }
  }

  @Property(tries = 1_000)
  void roundTripsPayloads(@ForAll("payloads") byte[] payload) {
    ByteString body = codec.encode(ByteString.fromArrayUnsafe(payload));
    assertThat(decode(body.toArray())).isEqualTo(ByteString.fromArrayUnsafe(payload));
  }

  /**
   * Found by the fuzzer: a 9-byte body declaring 65536 uncompressed bytes made the decoder allocate them before the
   * LZ4 block was read; any declaration up to max-frame-bytes (16 MiB by default) did. Now refused, as no LZ4 block
   * expands more than 255-fold.
   */
  @Example
  void refusesADeclaredLengthItsBlockCannotReach() {
    for (int declared : new int[] {0x10000, MAX_FRAME_BYTES, 0x7fffffff, 0x80000000, 0xffffffff}) {
      byte[] body = ByteBuffer.allocate(9).put((byte) 0x01).putInt(declared).putInt(0x1f000000).array();
      assertThat(Fuzz.run(() -> codec.decode(ByteString.fromArrayUnsafe(body))).failure())
          .isInstanceOf(MalformedFrameException.class);
      decode(body);
    }
  }

  private ByteString decode(byte[] body) {
    // the payload an honest block may inflate to (at most 255 times its size), plus copies of the input
    return Fuzz.decodesOrRefuses(16 * 1024 + 260L * body.length, () -> codec.decode(ByteString.fromArrayUnsafe(body)),
        MalformedFrameException.class);
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    // repetitive payloads compress: they exercise the LZ4 path, and its long matches
    Arbitrary<byte[]> repetitive = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)
        .flatMap(unit -> Arbitraries.integers().between(1, 4096 / unit.length).map(n -> repeat(unit, n)));
    return Arbitraries.oneOf(random, repetitive);
  }

  @Provide
  Arbitrary<byte[]> mutatedBodies() {
    return Fuzz.mutants(payloads().map(p -> codec.encode(ByteString.fromArrayUnsafe(p)).toArray()));
  }

  private static byte[] repeat(byte[] unit, int times) {
    byte[] out = new byte[unit.length * times];
    for (int i = 0; i < times; i++) System.arraycopy(unit, 0, out, i * unit.length, unit.length);
    return out;
  }
}
