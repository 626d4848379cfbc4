package io.cfs.repl.transport.kryo;

import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for the classes registered in {@code cfs-repl.kryo.registrations}, plus typed {@link ActorRef}
 * fields (a {@code replyTo}), which are written by path and resolved in the receiving system. How to bind it is in
 * this module's {@code reference.conf}. No manifest: the Kryo id in the bytes names the class.
 */
public final class KryoPekkoSerializer extends JSerializer {
  /** Pekko serializer id; fixed forever, persisted data refers to it. */
  public static final int IDENTIFIER = 47110;

  private final KryoCodec codec;

  public KryoPekkoSerializer(ExtendedActorSystem system) {
    KryoRegistration actorRef = new KryoRegistration(ActorRef.class, BuiltInRegistrations.TYPED_ACTOR_REF_ID,
        new TypedActorRefSerializer(system));
    this.codec = KryoCodec.withReserved(List.of(actorRef),
        KryoRegistrations.read(system.settings().config(), system.dynamicAccess().classLoader()));
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    return codec.encode(o);
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    return codec.decode(bytes);
  }
}
