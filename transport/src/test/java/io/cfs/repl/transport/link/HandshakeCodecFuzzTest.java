package io.cfs.repl.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;

/**
 * The handshake is the first frame any TCP client can send to a site's port, before anything identifies it: any
 * bytes read as a hello (or a reply) that writes back the same bytes' meaning, or are refused with
 * {@link HandshakeRejectedException}, allocating in proportion to the frame.
 */
class HandshakeCodecFuzzTest {
  private static final long CONSTANT_ALLOWANCE = 16 * 1024;

  @Property
  void readsOrRefusesAnyHello(@ForAll("mutatedFrames") byte[] frame) {
    Handshake hello = decode(frame, () -> HandshakeCodec.readHello(ByteString.fromArrayUnsafe(frame)));
    if (hello != null) {
      assertThat(HandshakeCodec.readHello(HandshakeCodec.hello(hello))).isEqualTo(hello);
    }
  }

  @Property
  void readsOrRefusesAnyReply(@ForAll("mutatedFrames") byte[] frame) {
    Handshake ack = decode(frame, () -> HandshakeCodec.readReply(ByteString.fromArrayUnsafe(frame)));
    if (ack != null) {
      assertThat(HandshakeCodec.readReply(HandshakeCodec.ack(ack))).isEqualTo(ack);
    }
  }

  /**
   * Found by the fuzzer: a string length was allocated before it was checked against the bytes left, so a 13-byte
   * hello made the server allocate 64 KiB (the largest uint16).
   */
  @Example
  void refusesAStringLengthBeyondTheFrameWithoutAllocatingIt() {
    byte[] frame = ByteBuffer.allocate(13).put("CFSR".getBytes(StandardCharsets.US_ASCII)).put((byte) 0x01).putInt(1)
        .putShort((short) 0xffff).array();
    HandshakeRejectedException refused = (HandshakeRejectedException) Fuzz.run(
        () -> HandshakeCodec.readHello(ByteString.fromArrayUnsafe(frame))).failure();
    assertThat(refused.reason()).isEqualTo(Reason.MALFORMED);
    decode(frame, () -> HandshakeCodec.readHello(ByteString.fromArrayUnsafe(frame)));
  }

  private static <T> T decode(byte[] frame, java.util.concurrent.Callable<T> read) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 8L * frame.length, read, HandshakeRejectedException.class);
  }

  @Provide
  Arbitrary<byte[]> mutatedFrames() {
    Arbitrary<String> sites = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(60))
        .filter(s -> !s.isBlank() && s.getBytes(StandardCharsets.UTF_8).length <= Handshake.MAX_SITE_BYTES);
    Arbitrary<Handshake> handshakes = Combinators.combine(Arbitraries.integers(), sites, sites,
        Arbitraries.of(Handshake.Channel.class)).as(Handshake::new);
    // a resync hello always names an incarnation: those are generated below
    Arbitrary<ByteString> hellos = handshakes.filter(h -> h.channel() != Handshake.Channel.RESYNC)
        .map(HandshakeCodec::hello);
    // data hellos of protocol v2 and resync hellos name the sender's journal incarnation (kinds 0x06 and 0x07, 16
    // bytes after the sites)
    Arbitrary<ByteString> journalHellos = Combinators.combine(Arbitraries.integers(), sites, sites,
            Arbitraries.of(Handshake.Channel.DATA, Handshake.Channel.RESYNC), Arbitraries.longs(), Arbitraries.longs())
        .as((version, from, to, channel, high, low) -> HandshakeCodec.hello(new Handshake(version, from, to,
            channel, Optional.of(new UUID(high, low)))));
    Arbitrary<ByteString> acks = handshakes.map(HandshakeCodec::ack);
    Arbitrary<ByteString> rejects = Combinators.combine(handshakes, Arbitraries.of(Reason.class),
            Arbitraries.strings().ofMaxLength(HandshakeCodec.MAX_DETAIL_CHARS + 10))
        .as((h, reason, detail) -> HandshakeCodec.reject(h.protocolVersion(), h.fromSite(), h.toSite(),
            new HandshakeRejectedException(reason, detail)));
    return Fuzz.mutants(Arbitraries.oneOf(hellos, journalHellos, acks, rejects).map(ByteString::toArray));
  }
}
