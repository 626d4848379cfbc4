package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Serializer;
import java.lang.reflect.Modifier;

/**
 * One class known to a {@link KryoCodec}, with the id that stands for it in encoded bytes. Ids are forever: an id
 * once used for a class is never reused for another, or old bytes would decode into the wrong type.
 *
 * <p>An interface or abstract class (not an enum) stands for all its implementations that have no registration of
 * their own; it needs a serializer, which then writes any of them. That is how a typed {@code ActorRef}, whose
 * implementation classes are internal to Pekko, is carried.
 *
 * @param type the class
 * @param id its fixed id; user classes use {@value KryoCodec#FIRST_USER_ID} and up
 * @param serializer how to write it, or {@code null} for Kryo's default (records, enums and plain classes need none).
 *     It is shared by every pooled Kryo instance, so it must be stateless.
 */
public record KryoRegistration(Class<?> type, int id, Serializer<?> serializer) {
  public KryoRegistration {
    if (type == null) {
      throw new IllegalArgumentException("Kryo registration " + id + " has no class");
    }
    if (id < 0) {
      throw new IllegalArgumentException("Kryo id " + id + " for " + type.getName() + " is negative");
    }
    if (coversSubtypes(type) && serializer == null) {
      throw new IllegalArgumentException("Kryo registration of " + type.getName()
          + " needs a serializer: it is abstract, so it stands for its implementations");
    }
  }

  public KryoRegistration(Class<?> type, int id) {
    this(type, id, null);
  }

  /** Whether this registration is used for subclasses and implementations of its type. */
  static boolean coversSubtypes(Class<?> type) {
    return !type.isPrimitive() && !type.isArray() && !type.isEnum()
        && (type.isInterface() || Modifier.isAbstract(type.getModifiers()));
  }

  @Override
  public String toString() {
    return id + " = " + type.getName() + (serializer == null ? "" : " (" + serializer.getClass().getName() + ")");
  }
}
