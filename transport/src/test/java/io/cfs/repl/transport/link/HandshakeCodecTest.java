package io.cfs.repl.transport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class HandshakeCodecTest {
  private final Handshake hello = new Handshake(1, "site-a", "site-b");

  @Test
  void helloAndAckRoundTrip() {
    assertEquals(hello, HandshakeCodec.readHello(HandshakeCodec.hello(hello)));
    Handshake ack = new Handshake(1, "site-b", "site-a");
    assertEquals(ack, HandshakeCodec.readReply(HandshakeCodec.ack(ack)));
  }

  @Test
  void aControlHelloIsItsOwnKindAndKeepsItsChannel() {
    Handshake control = new Handshake(1, "site-a", "site-b", Handshake.Channel.CONTROL);
    ByteString frame = HandshakeCodec.hello(control);
    assertEquals(0x04, frame.apply(4));
    assertEquals(control, HandshakeCodec.readHello(frame));
    assertEquals(Handshake.Channel.DATA, HandshakeCodec.readHello(HandshakeCodec.hello(hello)).channel());
  }

  @Test
  void aVerifyHelloIsItsOwnKindAndKeepsItsChannel() {
    Handshake verify = new Handshake(1, "site-a", "site-b", Handshake.Channel.VERIFY);
    ByteString frame = HandshakeCodec.hello(verify);
    assertEquals(0x05, frame.apply(4));
    assertEquals(verify, HandshakeCodec.readHello(frame));
  }

  @Test
  void helloStartsWithTheFixedHeader() {
    ByteString frame = HandshakeCodec.hello(hello);
    assertEquals("CFSR", frame.take(4).utf8String());
    assertEquals(0x01, frame.apply(4));
    assertEquals(ByteString.fromArrayUnsafe(new byte[] {0, 0, 0, 1, 0, 6}), frame.slice(5, 11));
  }

  @Test
  void rejectCarriesReasonAndDetail() {
    ByteString frame = HandshakeCodec.reject(1, "site-b", "site-x",
        new HandshakeRejectedException(Reason.UNKNOWN_SITE, "site-x is not a peer of site-b"));
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
        () -> HandshakeCodec.readReply(frame));
    assertEquals(Reason.UNKNOWN_SITE, e.reason());
    assertEquals("site-x is not a peer of site-b", e.detail());
  }

  @Test
  void badMagicTrailingBytesTruncationAndWrongKindAreMalformed() {
    ByteString good = HandshakeCodec.hello(hello);
    assertMalformed(ByteString.fromString("HTTP", StandardCharsets.US_ASCII).concat(good.drop(4)));
    assertMalformed(good.concat(ByteString.fromArrayUnsafe(new byte[] {0})));
    assertMalformed(good.take(good.size() - 1));
    assertMalformed(HandshakeCodec.ack(hello));
  }

  private static void assertMalformed(ByteString frame) {
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class,
        () -> HandshakeCodec.readHello(frame));
    assertEquals(Reason.MALFORMED, e.reason());
  }
}
