package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Writes a typed {@link ActorRef} (a {@code replyTo}) as its serialization format, the path with its uid, and
 * resolves it back in the receiving actor system.
 */
final class TypedActorRefSerializer extends Serializer<ActorRef<?>> {
  private final ExtendedActorSystem system;

  TypedActorRefSerializer(ExtendedActorSystem system) {
    this.system = system;
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output output, ActorRef<?> ref) {
    output.writeString(resolver().toSerializationFormat(ref));
  }

  @Override
  public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
    return resolver().resolveActorRef(input.readString());
  }

  // Looked up per call, not in the constructor: serializers are created while the actor system is still starting.
  private ActorRefResolver resolver() {
    return ActorRefResolver.get(Adapter.toTyped(system));
  }
}
