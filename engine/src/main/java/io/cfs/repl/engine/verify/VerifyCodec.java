package io.cfs.repl.engine.verify;

import io.cfs.repl.transport.kryo.KryoCodec;
import org.apache.pekko.util.ByteString;

/** Frames of the verify channel: Kryo-encoded {@link VerifyMessage}s, anything else a protocol violation. */
final class VerifyCodec {
  private VerifyCodec() {
  }

  static VerifyMessage decode(KryoCodec codec, ByteString frame) {
    Object decoded = codec.decode(frame);
    if (decoded instanceof VerifyMessage message) return message;
    throw new IllegalArgumentException("frame is not a verify message: " + decoded.getClass().getName());
  }
}
