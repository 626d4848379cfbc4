package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The JDK classes every codec knows, with ids fixed in the reserved range {@value #FIRST_ID}..
 * {@value KryoCodec#FIRST_USER_ID} - 1 (Kryo itself holds 0..9 for primitives and String). Never renumber; append.
 *
 * <p>Kryo 5.6 has default serializers for all but UUID, including {@code ImmutableCollectionsSerializers} for the
 * JDK's {@code List.of}/{@code Set.of}/{@code Map.of} classes (they rebuild through those factories, since the classes
 * are JDK-internal) and {@code RecordSerializer} for records. A JDK class without one would fall back to
 * {@code FieldSerializer}, which Java 17's strong encapsulation refuses, so every entry here is covered by a test.
 */
final class BuiltInRegistrations {
  static final int FIRST_ID = 10;
  /** Pekko's typed ActorRef, registered only by {@link KryoPekkoSerializer}, where the actor system is known. */
  static final int TYPED_ACTOR_REF_ID = 90;

  private BuiltInRegistrations() {}

  static List<KryoRegistration> all() {
    return List.of(
        new KryoRegistration(byte[].class, 10),
        new KryoRegistration(int[].class, 11),
        new KryoRegistration(long[].class, 12),
        new KryoRegistration(String[].class, 13),

        new KryoRegistration(ArrayList.class, 20),
        new KryoRegistration(HashMap.class, 21),
        new KryoRegistration(TreeMap.class, 22),
        new KryoRegistration(LinkedHashMap.class, 23),
        new KryoRegistration(HashSet.class, 24),
        new KryoRegistration(TreeSet.class, 25),
        new KryoRegistration(LinkedHashSet.class, 26),

        // JDK-internal classes behind List.of / List.copyOf / Stream.toList, Set.of and Map.of / Map.copyOf
        // (the empty ones share the N classes).
        new KryoRegistration(List.of(1).getClass(), 30),
        new KryoRegistration(List.of(1, 2, 3).getClass(), 31),
        new KryoRegistration(List.of(1, 2, 3).subList(0, 2).getClass(), 32),
        new KryoRegistration(Set.of(1).getClass(), 33),
        new KryoRegistration(Set.of(1, 2, 3).getClass(), 34),
        new KryoRegistration(Map.of(1, 1).getClass(), 35),
        new KryoRegistration(Map.of(1, 1, 2, 2).getClass(), 36),
        new KryoRegistration(Collections.emptyList().getClass(), 37),
        new KryoRegistration(Collections.emptySet().getClass(), 38),
        new KryoRegistration(Collections.emptyMap().getClass(), 39),
        new KryoRegistration(Collections.singletonList(1).getClass(), 40),
        new KryoRegistration(Collections.singleton(1).getClass(), 41),
        new KryoRegistration(Collections.singletonMap(1, 1).getClass(), 42),

        new KryoRegistration(Instant.class, 50),
        new KryoRegistration(Duration.class, 51),
        new KryoRegistration(UUID.class, 52, new DefaultSerializers.UUIDSerializer()),
        new KryoRegistration(Optional.class, 53));
  }
}
