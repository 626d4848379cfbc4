package io.cfs.repl.transport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
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
  void aDataHelloNamingAnIncarnationIsKindSixAndRoundTrips() {
    UUID id = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    Handshake journal = new Handshake(3, "site-a", "site-b", Handshake.Channel.DATA, Optional.of(id));
    ByteString frame = HandshakeCodec.hello(journal);
    assertEquals(0x06, frame.apply(4));
    assertEquals(frame.size() - 16, HandshakeCodec.hello(new Handshake(3, "site-a", "site-b")).size());
    assertEquals(ByteString.fromArrayUnsafe(new byte[] {1, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd,
        (byte) 0xef, 1, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef}), frame.takeRight(16));
    assertEquals(journal, HandshakeCodec.readHello(frame));
    assertMalformed(frame.dropRight(1));
  }

  @Test
  void aResyncHelloIsKindSevenNamesItsIncarnationAndRoundTrips() {
    UUID id = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    Handshake resync = new Handshake(3, "site-a", "site-b", Handshake.Channel.RESYNC, Optional.of(id));
    ByteString frame = HandshakeCodec.hello(resync);
    assertEquals(0x07, frame.apply(4));
    assertEquals(resync, HandshakeCodec.readHello(frame));
    assertMalformed(frame.dropRight(1));
    assertThrows(IllegalArgumentException.class,
        () -> HandshakeCodec.hello(new Handshake(3, "site-a", "site-b", Handshake.Channel.RESYNC)));
    // the server's ack of a resync link is of its channel and names no incarnation
    Handshake ack = new Handshake(3, "site-b", "site-a", Handshake.Channel.RESYNC);
    assertEquals(new Handshake(3, "site-b", "site-a"), HandshakeCodec.readReply(HandshakeCodec.ack(ack)));
    assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.hello(
        new Handshake(3, "site-a", "site-b", Handshake.Channel.VERIFY, Optional.of(id))));
  }

  @Test
  void aHelloOfTheOldLayoutStillReadsWithoutAnIncarnation() {
    // what a v1 node sends: kind 0x01, nothing after the sites; a v2 server reads it to refuse it by its version
    ByteString v1 = HandshakeCodec.hello(new Handshake(1, "site-a", "site-b"));
    assertEquals(0x01, v1.apply(4));
    Handshake read = HandshakeCodec.readHello(v1);
    assertEquals(1, read.protocolVersion());
    assertEquals(Optional.empty(), read.incarnation());
  }

  @Test
  void onlyADataHelloNamesAnIncarnation() {
    Handshake control =
        new Handshake(3, "site-a", "site-b", Handshake.Channel.CONTROL, Optional.of(UUID.randomUUID()));
    assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.hello(control));
  }

  @Test
  void anIncarnationMismatchRefusalCarriesItsReason() {
    ByteString frame = HandshakeCodec.reject(2, "site-b", "site-a",
        new HandshakeRejectedException(Reason.INCARNATION_MISMATCH, "other history"));
    assertEquals(Reason.INCARNATION_MISMATCH,
        assertThrows(HandshakeRejectedException.class, () -> HandshakeCodec.readReply(frame)).reason());
    assertEquals(6, Reason.INCARNATION_MISMATCH.code());
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
