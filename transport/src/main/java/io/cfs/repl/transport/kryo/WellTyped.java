package io.cfs.repl.transport.kryo;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that a decoded record holds what its declared types say, generic arguments included. Kryo writes the class of
 * every element of a collection or map (the generic type is erased), so bytes from a broken or hostile peer can put a
 * {@code byte[]} into a {@code Map<Integer, Long>}: the record decodes, and a {@link ClassCastException} strikes later,
 * far from the decoder. Records are walked through their components; a record whose components hold no generic,
 * array, record or abstract type (a journal entry) is checked by its class alone, so a batch costs one check an entry.
 */
final class WellTyped {
  /** A component of a record that needs walking: its accessor, declared type and path segment, read once a class. */
  private record Component(Method accessor, Type type, String segment) {
  }

  private static final ClassValue<Component[]> WALKED = new ClassValue<>() {
    @Override
    protected Component[] computeValue(Class<?> type) {
      if (!type.isRecord()) return new Component[0];
      RecordComponent[] components = type.getRecordComponents();
      boolean leaf = true;
      for (RecordComponent c : components) leaf &= isLeaf(c.getGenericType());
      if (leaf) return new Component[0];
      Component[] walked = new Component[components.length];
      for (int i = 0; i < components.length; i++) {
        Method accessor = components[i].getAccessor();
        accessor.setAccessible(true); // records nested in non-public classes
        walked[i] = new Component(accessor, components[i].getGenericType(),
            "." + components[i].getName());
      }
      return walked;
    }
  };

  private static final Map<Class<?>, Class<?>> BOXES = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
      char.class, Character.class, short.class, Short.class, int.class, Integer.class, long.class, Long.class,
      float.class, Float.class, double.class, Double.class, void.class, Void.class);

  /**
   * Where a value sits in the decoded message, spelled out only for an error: a batch holds thousands of values and
   * building each one's path as a string cost more than checking it.
   */
  private record Path(Path parent, String segment, Object key) {
    static Path root(String name) {
      return new Path(null, name, null);
    }

    Path child(String name) {
      return new Path(this, name, null);
    }

    /** A map's value or an array's element: {@code [key]}. */
    Path at(Object key) {
      return new Path(this, null, key);
    }

    @Override
    public String toString() {
      String here = segment != null ? segment : "[" + key + "]";
      return parent == null ? here : parent + here;
    }
  }

  private WellTyped() {}

  /** @throws KryoDecodingException naming the first value that is not of its declared type */
  static void require(Object value) {
    if (value != null) check(value, value.getClass(), Path.root(value.getClass().getSimpleName()), 0);
  }

  private static void check(Object value, Type declared, Path path, int depth) {
    if (value == null) return;
    if (depth > KryoCodec.MAX_DEPTH) throw new KryoDecodingException(path + " nests deeper than " + KryoCodec.MAX_DEPTH);
    Class<?> raw = boxed(rawClass(declared));
    if (!raw.isInstance(value)) {
      throw new KryoDecodingException(path + " holds a " + value.getClass().getName() + ", declared " + declared);
    }
    if (declared instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      if (value instanceof Map<?, ?> map && args.length == 2) {
        Path keyPath = path.child(".key");
        for (Map.Entry<?, ?> e : map.entrySet()) {
          check(e.getKey(), args[0], keyPath, depth + 1);
          check(e.getValue(), args[1], path.at(e.getKey()), depth + 1);
        }
      } else if (value instanceof Collection<?> elements && args.length == 1) {
        Path elementPath = path.child("[]");
        for (Object e : elements) check(e, args[0], elementPath, depth + 1);
      } else if (value instanceof Optional<?> optional && args.length == 1) {
        check(optional.orElse(null), args[0], path.child(".get()"), depth + 1);
      }
    } else if (value instanceof Object[] array) {
      Type component = declared instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
      for (int i = 0; i < array.length; i++) check(array[i], component, path.at(i), depth + 1);
    }
    for (Component c : WALKED.get(value.getClass())) {
      check(read(c.accessor(), value), c.type(), path.child(c.segment()), depth + 1);
    }
  }

  /** Types whose values Kryo cannot get wrong without failing: primitives, strings, enums, final non-records. */
  private static boolean isLeaf(Type type) {
    if (!(type instanceof Class<?> c)) return false;
    if (c.isArray()) return c.getComponentType().isPrimitive();
    return c.isPrimitive() || c.isEnum() || (java.lang.reflect.Modifier.isFinal(c.getModifiers()) && !c.isRecord());
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) return c;
    if (type instanceof ParameterizedType p) return rawClass(p.getRawType());
    if (type instanceof GenericArrayType g) return Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
    return Object.class; // a type variable or wildcard: its bound is not checked
  }

  private static Class<?> boxed(Class<?> type) {
    return type.isPrimitive() ? BOXES.get(type) : type;
  }

  private static Object read(Method accessor, Object record) {
    try {
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new KryoDecodingException("cannot read " + accessor + " of a decoded record", e);
    }
  }
}
