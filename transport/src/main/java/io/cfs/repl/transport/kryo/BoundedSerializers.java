package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeMapSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeSetSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Replacements for the Kryo serializers that size a collection, map or array from a count read off the wire before
 * reading its elements: each checks the count against the bytes left ({@link BoundedInput#requireCount}) first.
 * They write exactly what Kryo's own do, so the bytes on the wire are unchanged.
 */
final class BoundedSerializers {
  private static final Map<Class<?>, Supplier<Serializer<?>>> BY_TYPE = Map.ofEntries(
      Map.entry(ArrayList.class, BoundedCollectionSerializer::new),
      Map.entry(HashSet.class, BoundedCollectionSerializer::new),
      Map.entry(LinkedHashSet.class, BoundedCollectionSerializer::new),
      Map.entry(TreeSet.class, BoundedTreeSetSerializer::new),
      Map.entry(HashMap.class, BoundedMapSerializer::new),
      Map.entry(LinkedHashMap.class, BoundedMapSerializer::new),
      Map.entry(TreeMap.class, BoundedTreeMapSerializer::new),
      Map.entry(List.of(1).getClass(), ImmutableCollectionSerializer::list),
      Map.entry(List.of(1, 2, 3).getClass(), ImmutableCollectionSerializer::list),
      Map.entry(List.of(1, 2, 3).subList(0, 2).getClass(), ImmutableCollectionSerializer::list),
      Map.entry(Set.of(1).getClass(), ImmutableCollectionSerializer::set),
      Map.entry(Set.of(1, 2, 3).getClass(), ImmutableCollectionSerializer::set),
      Map.entry(Map.of(1, 1).getClass(), ImmutableMapSerializer::new),
      Map.entry(Map.of(1, 1, 2, 2).getClass(), ImmutableMapSerializer::new),
      Map.entry(String[].class, BoundedStringArraySerializer::new));

  private BoundedSerializers() {}

  /** A fresh bounded serializer for a type whose Kryo default trusts a count, or null if the default is safe. */
  static Serializer<?> forType(Class<?> type) {
    Supplier<Serializer<?>> bounded = BY_TYPE.get(type);
    return bounded == null ? null : bounded.get();
  }

  @SuppressWarnings("rawtypes")
  static final class BoundedCollectionSerializer<T extends Collection> extends CollectionSerializer<T> {
    @Override
    protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
      return super.create(kryo, input, type, BoundedInput.requireCount(input, size));
    }
  }

  @SuppressWarnings("rawtypes")
  static final class BoundedMapSerializer<T extends Map> extends MapSerializer<T> {
    @Override
    protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
      return super.create(kryo, input, type, BoundedInput.requireCount(input, size));
    }
  }

  static final class BoundedTreeSetSerializer extends TreeSetSerializer {
    @Override
    protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
      return super.create(kryo, input, type, BoundedInput.requireCount(input, size));
    }
  }

  static final class BoundedTreeMapSerializer extends TreeMapSerializer {
    @Override
    protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
      return super.create(kryo, input, type, BoundedInput.requireCount(input, size));
    }
  }

  /**
   * As Kryo's {@code JdkImmutableListSerializer} and {@code JdkImmutableSetSerializer}: no null elements, read into
   * a mutable buffer and frozen by {@code List.of} or {@code Set.of}.
   */
  @SuppressWarnings("rawtypes")
  static final class ImmutableCollectionSerializer extends CollectionSerializer<Collection> {
    private final IntFunction<Collection<Object>> buffer;
    private final Function<Object[], Collection<Object>> freeze;

    private ImmutableCollectionSerializer(IntFunction<Collection<Object>> buffer,
                                          Function<Object[], Collection<Object>> freeze) {
      this.buffer = buffer;
      this.freeze = freeze;
      setElementsCanBeNull(false);
    }

    static ImmutableCollectionSerializer list() {
      return new ImmutableCollectionSerializer(ArrayList::new, List::of);
    }

    static ImmutableCollectionSerializer set() {
      return new ImmutableCollectionSerializer(HashSet::new, Set::of);
    }

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      return buffer.apply(BoundedInput.requireCount(input, size));
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
      Collection read = super.read(kryo, input, type);
      return read == null ? null : freeze.apply(read.toArray());
    }
  }

  /** As Kryo's {@code JdkImmutableMapSerializer}. */
  static final class ImmutableMapSerializer extends MapSerializer<Map<Object, Object>> {
    ImmutableMapSerializer() {
      setKeysCanBeNull(false);
      setValuesCanBeNull(false);
    }

    @Override
    protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      return new HashMap<>(BoundedInput.requireCount(input, size));
    }

    @Override
    public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      Map<Object, Object> read = super.read(kryo, input, type);
      return read == null ? null : Map.copyOf(read);
    }
  }

  /** Its length (plus one, 0 meaning null) is peeked and checked before the array is allocated. */
  static final class BoundedStringArraySerializer extends StringArraySerializer {
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // Kryo declares this read with a raw Class
    public String[] read(Kryo kryo, Input input, Class type) {
      int start = input.position();
      int lengthPlusOne = input.readVarInt(true);
      input.setPosition(start);
      if (lengthPlusOne != 0) BoundedInput.requireCount(input, lengthPlusOne - 1);
      return super.read(kryo, input, type);
    }
  }
}
