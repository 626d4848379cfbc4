package io.cfs.repl.transport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static final int MAX = 64 * 1024;
  private final FrameCodec codec = new FrameCodec(MAX, 512);

  @Test
  void smallFrameIsSentPlain() {
    ByteString payload = ByteString.fromString("ack 42", StandardCharsets.UTF_8);
    ByteString body = codec.encode(payload);
    assertEquals(0x00, body.apply(0));
    assertEquals(payload.size() + 1, body.size());
    assertEquals(payload, codec.decode(body));
  }

  @Test
  void emptyFrameRoundTrips() {
    assertEquals(ByteString.emptyByteString(), codec.decode(codec.encode(ByteString.emptyByteString())));
  }

  @Test
  void largeCompressibleFrameIsCompressed() {
    ByteString payload = ByteString.fromString("inode 4711 setattr mode=0644 ".repeat(2000), StandardCharsets.UTF_8);
    ByteString body = codec.encode(payload);
    assertEquals(0x01, body.apply(0));
    assertTrue(body.size() < payload.size() / 10, "compressed to " + body.size());
    assertEquals(payload, codec.decode(body));
  }

  /**
   * Frames compressed one after another on one thread share its compression buffer: each body must hold its own
   * frame only, whatever a larger one before it left in the buffer, and a frame too large for the buffer (its own
   * array) must leave the next one unharmed.
   */
  @Test
  void framesCompressedInTurnOnOneThreadEachDecodeToTheirOwnPayload() {
    FrameCodec large = new FrameCodec(4 << 20, 512);
    List<ByteString> payloads = List.of(
        records("big", 60_000), records("small", 700), records("grown", 300_000), random(50_000),
        records("huge", 2_500_000), records("after", 1_000), records("tiny", 600));
    List<ByteString> bodies = new ArrayList<>();
    for (ByteString payload : payloads) bodies.add(large.encode(payload));
    for (int i = 0; i < payloads.size(); i++) {
      ByteString body = bodies.get(i);
      boolean compressible = i != 3;
      assertEquals(compressible ? 0x01 : 0x00, body.apply(0), "frame " + i);
      assertEquals(payloads.get(i), large.decode(body), "frame " + i);
    }
  }

  /** A compressed body that is a slice of a larger array (as a framing stage may pass on) decodes the same. */
  @Test
  void compressedBodyInsideALargerArrayDecodes() {
    ByteString payload = records("slice", 20_000);
    ByteString body = codec.encode(payload);
    ByteString padded = ByteString.fromString("xyz", StandardCharsets.UTF_8).concat(body)
        .concat(ByteString.fromString("trailing", StandardCharsets.UTF_8)).compact();
    assertEquals(payload, codec.decode(padded.drop(3).take(body.size())));
  }

  @Test
  void incompressibleFrameStaysPlain() {
    ByteString payload = random(10_000);
    ByteString body = codec.encode(payload);
    assertEquals(0x00, body.apply(0));
    assertEquals(payload.size() + 1, body.size());
    assertEquals(payload, codec.decode(body));
  }

  @Test
  void frameOverTheLimitIsRefusedBySender() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(random(MAX + 1)));
    assertTrue(e.getMessage().contains("max-frame-bytes"), e.getMessage());
  }

  @Test
  void decompressionBombIsRefusedBeforeUnpacking() {
    ByteString zeros = ByteString.fromArrayUnsafe(new byte[1024 * 1024]);
    ByteString bomb = new FrameCodec(16 * 1024 * 1024, 512).encode(zeros);
    assertTrue(bomb.size() < MAX, "the bomb itself is a small frame: " + bomb.size());

    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> codec.decode(bomb));
    assertTrue(e.getMessage().contains("1048576") && e.getMessage().contains("max-frame-bytes"), e.getMessage());
  }

  @Test
  void plainFrameOverTheLimitIsRefused() {
    ByteString body = ByteString.fromArrayUnsafe(new byte[] {0}).concat(random(MAX + 1));
    assertThrows(MalformedFrameException.class, () -> codec.decode(body));
  }

  @Test
  void lengthThatDoesNotMatchTheBlockIsRefused() {
    ByteString body = codec.encode(ByteString.fromArrayUnsafe(new byte[4000]));
    byte[] lying = body.toArray();
    lying[4] = (byte) (lying[4] - 1); // declares 3999 bytes: the block does not fit
    assertThrows(MalformedFrameException.class, () -> codec.decode(ByteString.fromArrayUnsafe(lying)));
  }

  @Test
  void corruptBlockIsRefused() {
    byte[] body = codec.encode(ByteString.fromArrayUnsafe(new byte[4000])).toArray();
    for (int i = 5; i < body.length; i++) {
      body[i] = (byte) 0xff;
    }
    assertThrows(MalformedFrameException.class, () -> codec.decode(ByteString.fromArrayUnsafe(body)));
  }

  @Test
  void unknownFlagsTruncatedHeaderAndEmptyBodyAreRefused() {
    assertThrows(MalformedFrameException.class, () -> codec.decode(ByteString.fromArrayUnsafe(new byte[] {2, 1})));
    assertThrows(MalformedFrameException.class, () -> codec.decode(ByteString.fromArrayUnsafe(new byte[] {1, 0, 0})));
    assertThrows(MalformedFrameException.class, () -> codec.decode(ByteString.emptyByteString()));
  }

  static ByteString random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return ByteString.fromArrayUnsafe(bytes);
  }

  /** Record-shaped text of about {@code size} bytes, distinct per {@code tag}. */
  private static ByteString records(String tag, int size) {
    StringBuilder text = new StringBuilder(size + 64);
    for (int i = 0; text.length() < size; i++) text.append(tag).append(" inode ").append(i).append(" setattr;");
    return ByteString.fromString(text.substring(0, size), StandardCharsets.UTF_8);
  }
}
