package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Serializer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the classes to register from {@code cfs-repl.kryo.registrations}: an object whose keys are quoted class
 * names and whose values are a fixed id, or {@code { id = N, serializer = "FQCN" }} naming a Kryo serializer with a
 * public no-arg constructor. The same block feeds the Pekko serializer and the site-link codec, so both agree.
 */
public final class KryoRegistrations {
  static final String PATH = "cfs-repl.kryo.registrations";

  private KryoRegistrations() {}

  /** The codec for the configured registrations, loading classes with the context (or this module's) class loader. */
  public static KryoCodec fromConfig(Config root) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return KryoCodec.create(read(root, context != null ? context : KryoRegistrations.class.getClassLoader()));
  }

  static List<KryoRegistration> read(Config root, ClassLoader loader) {
    ConfigObject block;
    try {
      block = root.getObject(PATH);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid " + PATH + ": " + e.getMessage(), e);
    }
    List<KryoRegistration> registrations = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> entry : block.entrySet()) {
      registrations.add(registration(entry.getKey(), entry.getValue(), loader));
    }
    return registrations;
  }

  private static KryoRegistration registration(String className, ConfigValue value, ClassLoader loader) {
    String key = PATH + ".\"" + className + "\"";
    boolean isSpec = value.valueType() == ConfigValueType.OBJECT && ((ConfigObject) value).containsKey("id");
    if (value.valueType() != ConfigValueType.NUMBER && !isSpec) {
      throw new IllegalArgumentException(key + " must be an int id or { id = N, serializer = \"FQCN\" } (class"
          + " names must be quoted, or their dots make nested objects), was " + value.render());
    }
    Class<?> type = load(className, loader, key);
    if (!isSpec) {
      return new KryoRegistration(type, id(value, key));
    }
    ConfigObject spec = (ConfigObject) value;
    ConfigValue serializer = spec.get("serializer");
    if (serializer == null) {
      return new KryoRegistration(type, id(spec.get("id"), key + ".id"));
    }
    return new KryoRegistration(type, id(spec.get("id"), key + ".id"),
        newSerializer(String.valueOf(serializer.unwrapped()), loader, key + ".serializer"));
  }

  private static int id(ConfigValue value, String key) {
    if (!(value.unwrapped() instanceof Integer id)) {
      throw new IllegalArgumentException(key + " must be an int id, was " + value.render());
    }
    return id;
  }

  private static Serializer<?> newSerializer(String className, ClassLoader loader, String key) {
    Class<?> type = load(className, loader, key);
    if (!Serializer.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(key + ": " + className + " is not a " + Serializer.class.getName());
    }
    try {
      return (Serializer<?>) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(key + ": cannot create " + className
          + " through a public no-arg constructor: " + e, e);
    }
  }

  private static Class<?> load(String className, ClassLoader loader, String key) {
    try {
      return Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(key + ": class " + className + " not found", e);
    }
  }
}
