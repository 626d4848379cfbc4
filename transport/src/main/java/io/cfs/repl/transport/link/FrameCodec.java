package io.cfs.repl.transport.link;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.pekko.util.ByteString;

/**
 * Turns the payload of one frame after the handshake into the frame's body on the wire, and back.
 *
 * <p>On the wire every frame is a 4-byte big-endian length followed by that many bytes of body (the length prefix
 * belongs to the framing layer, not to this codec). The body is:
 *
 * <pre>
 * byte 0       flags: bit 0 (0x01) set = the payload is LZ4-compressed; bits 1..7 are reserved and must be 0
 * flags = 0x00:
 *   bytes 1..   the payload, as is (may be empty)
 * flags = 0x01:
 *   bytes 1..4  the payload's uncompressed length, int32 big-endian, 1..maxFrameBytes
 *   bytes 5..   one LZ4 block (raw block format: no LZ4 frame header, no checksum) that decompresses to exactly
 *               that many bytes
 * </pre>
 *
 * <p>A payload is compressed only when it has at least {@code compressionThresholdBytes} bytes, and the compressed
 * body is kept only when it is smaller than the plain one. A body is refused ({@link MalformedFrameException}) when its
 * flags are unknown, it is truncated, its block is corrupt or decompresses to another length than declared, or its
 * payload would exceed {@code maxFrameBytes} — the declared length is checked before any memory is allocated, so a
 * small frame cannot unpack into a huge one: it must be within {@code maxFrameBytes} and within what the block can
 * expand to (at most {@value #MAX_LZ4_EXPANSION} times its size), so a frame makes this end allocate in proportion to
 * the bytes the peer actually sent.
 *
 * <p>Thread-safe: the LZ4 compressor and decompressor are stateless, and each thread compresses into its own buffer.
 */
final class FrameCodec {
  /** The body's largest overhead over the payload: flags byte plus uncompressed length. */
  static final int HEADER_BYTES = 5;
  /** The framing layer's length prefix in front of every body. */
  static final int LENGTH_PREFIX_BYTES = 4;

  /**
   * An LZ4 block cannot expand more than this: a sequence's token and offset (3 bytes) yield at most 19 bytes, and
   * each length-extension byte adds at most 255.
   */
  static final int MAX_LZ4_EXPANSION = 255;

  private static final byte PLAIN = 0x00;
  private static final byte LZ4 = 0x01;
  private static final ByteString PLAIN_FLAGS = ByteString.fromArrayUnsafe(new byte[] {PLAIN});

  // The Java implementation: the JNI one is extracted by every JVM into a temp file of its own, which a killed JVM
  // leaves behind (dozens of them after one test run)
  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestJavaInstance().fastCompressor();
  // Bodies come from the network: the pure-Java safe decompressor is the one lz4-java implementation that cannot
  // read or write out of bounds on hostile input (CVE-2025-12183), and each frame gets a fresh, zeroed buffer.
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

  /** Frames whose compression bound is larger get a buffer of their own, so no thread keeps a huge one. */
  private static final int MAX_SCRATCH_BYTES = 1 << 20;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 << 10]);

  private final int maxFrameBytes;
  private final int compressionThresholdBytes;

  FrameCodec(int maxFrameBytes, int compressionThresholdBytes) {
    this.maxFrameBytes = maxFrameBytes;
    this.compressionThresholdBytes = compressionThresholdBytes;
  }

  FrameCodec(LinkSettings settings) {
    this(settings.maxFrameBytes(), settings.compressionThresholdBytes());
  }

  /** The body for a payload; a payload over {@code maxFrameBytes} is the caller's bug and is refused. */
  ByteString encode(ByteString payload) {
    int size = payload.size();
    if (size > maxFrameBytes) {
      throw new IllegalArgumentException("frame of " + size + " bytes exceeds cfs-repl.transport.max-frame-bytes ("
          + maxFrameBytes + ")");
    }
    if (size > 0 && size >= compressionThresholdBytes) {
      byte[] raw = payload.toArrayUnsafe();
      int bound = HEADER_BYTES + COMPRESSOR.maxCompressedLength(size);
      byte[] scratch = bound <= MAX_SCRATCH_BYTES ? scratch(bound) : new byte[bound];
      int compressed = COMPRESSOR.compress(raw, 0, size, scratch, HEADER_BYTES, bound - HEADER_BYTES);
      if (HEADER_BYTES + compressed < 1 + size) {
        byte[] body = Arrays.copyOf(scratch, HEADER_BYTES + compressed);
        body[0] = LZ4;
        writeInt(body, 1, size);
        return ByteString.fromArrayUnsafe(body);
      }
    }
    return PLAIN_FLAGS.concat(payload);
  }

  /**
   * This thread's buffer for compressing into, at least {@code bytes} long. LZ4 needs room for the worst case (more
   * than the payload itself); a fresh array of that size for every frame was allocated, zeroed and mostly thrown
   * away, a tenth of a sending dispatcher's time flat out. The body keeps an exact copy.
   */
  private static byte[] scratch(int bytes) {
    byte[] scratch = SCRATCH.get();
    if (scratch.length < bytes) {
      scratch = new byte[Math.max(bytes, Math.min(2 * scratch.length, MAX_SCRATCH_BYTES))];
      SCRATCH.set(scratch);
    }
    return scratch;
  }

  /** The payload carried by a body. */
  ByteString decode(ByteString body) {
    if (body.isEmpty()) {
      throw new MalformedFrameException("empty frame body");
    }
    byte flags = body.apply(0);
    if (flags == PLAIN) {
      ByteString payload = body.drop(1);
      requireWithinLimit(payload.size());
      return payload;
    }
    if (flags != LZ4) {
      throw new MalformedFrameException(String.format("unknown frame flags 0x%02x", flags));
    }
    if (body.size() < HEADER_BYTES) {
      throw new MalformedFrameException("compressed frame of " + body.size() + " bytes has no complete header");
    }
    int declared = readInt(body, 1);
    if (declared < 1) {
      throw new MalformedFrameException("compressed frame declares " + declared + " uncompressed bytes");
    }
    requireWithinLimit(declared);
    int blockBytes = body.size() - HEADER_BYTES;
    if (declared > (long) MAX_LZ4_EXPANSION * blockBytes) {
      throw new MalformedFrameException("compressed frame declares " + declared + " uncompressed bytes, more than its "
          + blockBytes + "-byte LZ4 block can hold");
    }
    // the framing stage hands over each body compacted into one array: decompressed from it in place, not copied
    byte[] whole = body.toArrayUnsafe();
    byte[] payload = new byte[declared];
    int produced;
    try {
      produced = DECOMPRESSOR.decompress(whole, HEADER_BYTES, blockBytes, payload, 0, declared);
    } catch (LZ4Exception e) {
      throw new MalformedFrameException("corrupt LZ4 block in frame declaring " + declared + " bytes", e);
    }
    if (produced != declared) {
      throw new MalformedFrameException("LZ4 block decompressed to " + produced + " bytes, declared " + declared);
    }
    return ByteString.fromArrayUnsafe(payload);
  }

  private void requireWithinLimit(int payloadBytes) {
    if (payloadBytes > maxFrameBytes) {
      throw new MalformedFrameException("frame payload of " + payloadBytes
          + " bytes exceeds cfs-repl.transport.max-frame-bytes (" + maxFrameBytes + ")");
    }
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int readInt(ByteString b, int at) {
    return (b.apply(at) & 0xff) << 24 | (b.apply(at + 1) & 0xff) << 16 | (b.apply(at + 2) & 0xff) << 8
        | (b.apply(at + 3) & 0xff);
  }
}
