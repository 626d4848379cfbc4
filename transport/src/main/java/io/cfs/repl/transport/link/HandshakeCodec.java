package io.cfs.repl.transport.link;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * The first frame in each direction of a site link: a fixed binary layout, not Kryo and not compressed, so that two
 * ends of any versions can always tell each other why they cannot talk. The layout never changes across protocol
 * versions; protocol v2 added a kind, not a field to an old kind, so a v2 server still reads a v1 hello and refuses it
 * as {@code PROTOCOL_VERSION}. All integers are big-endian; a string is a uint16 byte count followed by that many
 * bytes of UTF-8.
 *
 * <pre>
 * bytes 0..3   magic "CFSR" (0x43 0x46 0x53 0x52)
 * byte  4      kind: 0x01 HELLO (client to server, data channel), 0x02 ACK (server to client), 0x03 REJECT (server
 *              to client), 0x04 CONTROL_HELLO (client to server, control channel; a server older than the control
 *              channel refuses it as MALFORMED), 0x05 VERIFY_HELLO (client to server, verify channel; likewise),
 *              0x06 JOURNAL_HELLO (client to server, data channel, naming the client's journal incarnation; the
 *              data hello of protocol v2), 0x07 RESYNC_HELLO (client to server, resync channel, naming the client's
 *              journal incarnation; a server older than the resync channel refuses it as MALFORMED)
 * bytes 5..8   the sender's protocol version, int32
 * string       fromSite, the sender's site
 * string       toSite, the site the sender is talking to (in a REJECT of an unreadable hello: empty)
 * JOURNAL_HELLO and RESYNC_HELLO only:
 *   16 bytes   the incarnation (a UUID: most significant int64, then least significant int64)
 * REJECT only:
 *   byte       reason code (see {@link Reason}): 1 UNKNOWN_SITE, 2 WRONG_TARGET_SITE, 3 PROTOCOL_VERSION, 4 MALFORMED,
 *              5 CERTIFICATE_SITE, 6 INCARNATION_MISMATCH
 *   string     human-readable explanation, at most {@value #MAX_DETAIL_CHARS} characters
 * </pre>
 *
 * Nothing may follow; a frame with trailing bytes is malformed.
 */
final class HandshakeCodec {
  static final int MAX_DETAIL_CHARS = 500;

  private static final byte[] MAGIC = {'C', 'F', 'S', 'R'};
  private static final byte HELLO = 0x01;
  private static final byte ACK = 0x02;
  private static final byte REJECT = 0x03;
  private static final byte CONTROL_HELLO = 0x04;
  private static final byte VERIFY_HELLO = 0x05;
  private static final byte JOURNAL_HELLO = 0x06;
  private static final byte RESYNC_HELLO = 0x07;

  private HandshakeCodec() {}

  static ByteString hello(Handshake hello) {
    if (hello.incarnation().isPresent() && !hello.channel().carriesHistory()) {
      throw new IllegalArgumentException("only a data or resync hello names a journal incarnation: " + hello);
    }
    // checked on the hello only: the server's ack of a resync link is of the same channel and names nothing
    if (hello.channel() == Handshake.Channel.RESYNC && hello.incarnation().isEmpty()) {
      throw new IllegalArgumentException("a resync hello must name the sender's journal incarnation");
    }
    byte kind = switch (hello.channel()) {
      case DATA -> hello.incarnation().isPresent() ? JOURNAL_HELLO : HELLO;
      case CONTROL -> CONTROL_HELLO;
      case VERIFY -> VERIFY_HELLO;
      case RESYNC -> RESYNC_HELLO;
    };
    ByteStringBuilder b = header(kind, hello.protocolVersion(), hello.fromSite(), hello.toSite());
    hello.incarnation().ifPresent(id -> {
      b.putLong(id.getMostSignificantBits(), ByteOrder.BIG_ENDIAN);
      b.putLong(id.getLeastSignificantBits(), ByteOrder.BIG_ENDIAN);
    });
    return b.result();
  }

  static ByteString ack(Handshake ack) {
    return header(ACK, ack.protocolVersion(), ack.fromSite(), ack.toSite()).result();
  }

  /** A refusal; {@code toSite} is empty when the client's hello could not be read. */
  static ByteString reject(int protocolVersion, String fromSite, String toSite, HandshakeRejectedException e) {
    String detail = e.detail().length() > MAX_DETAIL_CHARS ? e.detail().substring(0, MAX_DETAIL_CHARS) : e.detail();
    ByteStringBuilder b = header(REJECT, protocolVersion, fromSite, toSite);
    b.putByte((byte) e.reason().code());
    putString(b, detail);
    return b.result();
  }

  /** Reads a client's hello; anything unreadable is refused as {@code MALFORMED}. */
  static Handshake readHello(ByteString frame) {
    ByteBuffer in = frame.asByteBuffer();
    try {
      byte kind = readKind(in);
      Handshake.Channel channel = switch (kind) {
        case HELLO, JOURNAL_HELLO -> Handshake.Channel.DATA;
        case CONTROL_HELLO -> Handshake.Channel.CONTROL;
        case VERIFY_HELLO -> Handshake.Channel.VERIFY;
        case RESYNC_HELLO -> Handshake.Channel.RESYNC;
        default -> throw new IllegalArgumentException("kind " + kind + " is not a hello");
      };
      int version = in.getInt();
      String fromSite = getString(in);
      String toSite = getString(in);
      Optional<UUID> incarnation = kind == JOURNAL_HELLO || kind == RESYNC_HELLO ? Optional.of(new UUID(in.getLong(), in.getLong()))
          : Optional.empty();
      Handshake hello = new Handshake(version, fromSite, toSite, channel, incarnation);
      expectEnd(in);
      return hello;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw malformed("unreadable hello (" + frame.size() + " bytes): " + describe(e));
    }
  }

  /**
   * Reads the server's reply to a hello: returns its ack, or throws the server's refusal.
   *
   * @throws HandshakeRejectedException with the server's reason, or {@code MALFORMED} if the reply is unreadable
   */
  static Handshake readReply(ByteString frame) {
    ByteBuffer in = frame.asByteBuffer();
    HandshakeRejectedException refusal;
    try {
      byte kind = readKind(in);
      int version = in.getInt();
      String fromSite = getString(in);
      String toSite = getString(in);
      if (kind == ACK) {
        expectEnd(in);
        return new Handshake(version, fromSite, toSite);
      }
      if (kind != REJECT) {
        throw new IllegalArgumentException("kind " + kind + " is neither ACK nor REJECT");
      }
      refusal = new HandshakeRejectedException(Reason.fromCode(in.get()), getString(in));
      expectEnd(in);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw malformed("unreadable handshake reply (" + frame.size() + " bytes): " + describe(e));
    }
    throw refusal;
  }

  private static ByteStringBuilder header(byte kind, int version, String fromSite, String toSite) {
    ByteStringBuilder b = new ByteStringBuilder();
    b.putBytes(MAGIC);
    b.putByte(kind);
    b.putInt(version, ByteOrder.BIG_ENDIAN);
    putString(b, fromSite);
    putString(b, toSite);
    return b;
  }

  private static void putString(ByteStringBuilder b, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    b.putShort(utf8.length, ByteOrder.BIG_ENDIAN);
    b.putBytes(utf8);
  }

  private static String getString(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    // checked before allocating: a length beyond the frame must not cost this end 64 KiB per connection attempt
    if (length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] utf8 = new byte[length];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static byte readKind(ByteBuffer in) {
    for (byte m : MAGIC) {
      if (in.get() != m) {
        throw new IllegalArgumentException("bad magic, not a cfs-repl site link");
      }
    }
    return in.get();
  }

  private static void expectEnd(ByteBuffer in) {
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " trailing bytes");
    }
  }

  private static String describe(RuntimeException e) {
    return e instanceof BufferUnderflowException ? "truncated" : e.getMessage();
  }

  private static HandshakeRejectedException malformed(String detail) {
    return new HandshakeRejectedException(Reason.MALFORMED, detail);
  }
}
