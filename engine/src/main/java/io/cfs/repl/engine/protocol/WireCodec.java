package io.cfs.repl.engine.protocol;

import com.typesafe.config.Config;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.kryo.KryoDecodingException;
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

  /** The Kryo codec underneath, for the other channels' messages (same registrations). */
  public KryoCodec kryo() {
    return kryo;
  }

  public ByteString encode(WireMessage message) {
    return kryo.encodeToByteString(message);
  }

  /**
   * Decodes one frame; anything that is not a {@link WireMessage} (null included) is a protocol violation.
   *
   * @throws KryoDecodingException for any frame that is not the encoding of a wire message
   */
  public WireMessage decode(ByteString frame) {
    return kryo.decode(frame, WireMessage.class);
  }
}
