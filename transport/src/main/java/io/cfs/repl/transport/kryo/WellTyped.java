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
  private static final ClassValue<Method[]> WALKED_ACCESSORS = new ClassValue<>() {
    @Override
    protected Method[] computeValue(Class<?> type) {
      if (!type.isRecord()) return new Method[0];
      RecordComponent[] components = type.getRecordComponents();
      boolean leaf = true;
      for (RecordComponent c : components) leaf &= isLeaf(c.getGenericType());
      if (leaf) return new Method[0];
      Method[] accessors = new Method[components.length];
      for (int i = 0; i < components.length; i++) {
        accessors[i] = components[i].getAccessor();
        accessors[i].setAccessible(true); // records nested in non-public classes
      }
      return accessors;
    }
  };

  private WellTyped() {}

  /** @throws KryoDecodingException naming the first value that is not of its declared type */
  static void require(Object value) {
    if (value != null) check(value, value.getClass(), value.getClass().getSimpleName(), 0);
  }

  private static void check(Object value, Type declared, String path, int depth) {
    if (value == null) return;
    if (depth > KryoCodec.MAX_DEPTH) throw new KryoDecodingException(path + " nests deeper than " + KryoCodec.MAX_DEPTH);
    Class<?> raw = boxed(rawClass(declared));
    if (!raw.isInstance(value)) {
      throw new KryoDecodingException(path + " holds a " + value.getClass().getName() + ", declared " + declared);
    }
    if (declared instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      if (value instanceof Map<?, ?> map && args.length == 2) {
        String keyPath = path + ".key";
        for (Map.Entry<?, ?> e : map.entrySet()) {
          check(e.getKey(), args[0], keyPath, depth + 1);
          check(e.getValue(), args[1], path + "[" + e.getKey() + "]", depth + 1);
        }
      } else if (value instanceof Collection<?> elements && args.length == 1) {
        String elementPath = path + "[]"; // once, not per element: a batch holds thousands
        for (Object e : elements) check(e, args[0], elementPath, depth + 1);
      } else if (value instanceof Optional<?> optional && args.length == 1) {
        check(optional.orElse(null), args[0], path + ".get()", depth + 1);
      }
    } else if (value instanceof Object[] array) {
      Type component = declared instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
      for (int i = 0; i < Array.getLength(array); i++) check(array[i], component, path + "[" + i + "]", depth + 1);
    }
    Method[] accessors = WALKED_ACCESSORS.get(value.getClass());
    RecordComponent[] components = accessors.length == 0 ? null : value.getClass().getRecordComponents();
    for (int i = 0; i < accessors.length; i++) {
      check(read(accessors[i], value), components[i].getGenericType(), path + "." + components[i].getName(),
          depth + 1);
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
    if (!type.isPrimitive()) return type;
    return Array.get(Array.newInstance(type, 1), 0).getClass();
  }

  private static Object read(Method accessor, Object record) {
    try {
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new KryoDecodingException("cannot read " + accessor + " of a decoded record", e);
    }
  }
}
