package io.cfs.repl.engine.verify;

import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoDecodingException;
import org.apache.pekko.util.ByteString;

/** Frames of the verify channel: Kryo-encoded {@link VerifyMessage}s, anything else a protocol violation. */
final class VerifyCodec {
  private VerifyCodec() {
  }

  /**
   * The verify message of a frame; null, another type, or a message whose lists hold another type is refused.
   *
   * @throws KryoDecodingException for any frame that is not the encoding of a verify message
   */
  static VerifyMessage decode(KryoCodec codec, ByteString frame) {
    return codec.decode(frame, VerifyMessage.class);
  }
}
