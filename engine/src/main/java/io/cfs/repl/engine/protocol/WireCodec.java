package io.cfs.repl.engine.protocol;

import com.typesafe.config.Config;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoRegistrations;
import org.apache.pekko.util.ByteString;

/** Kryo encoding of {@link WireMessage}s, with the same registrations as actor messages (one config block). */
public final class WireCodec {
  private final KryoCodec kryo;

  public WireCodec(KryoCodec kryo) {
    this.kryo = kryo;
  }

  public static WireCodec create(Config root) {
    return new WireCodec(KryoRegistrations.fromConfig(root));
  }

  public ByteString encode(WireMessage message) {
    return kryo.encodeToByteString(message);
  }

  /** Decodes one frame; anything that is not a {@link WireMessage} is a protocol violation. */
  public WireMessage decode(ByteString frame) {
    Object decoded = kryo.decode(frame);
    if (decoded instanceof WireMessage message) {
      return message;
    }
    throw new IllegalArgumentException("frame is not a wire message: " + decoded.getClass().getName());
  }
}
