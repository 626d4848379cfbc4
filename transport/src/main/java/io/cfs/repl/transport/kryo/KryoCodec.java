package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.util.ByteString;

/**
 * Kryo encoding of registered classes to bytes and back; thread-safe. Only registered classes are accepted (see
 * {@link KryoRegistration}); the JDK classes of {@link BuiltInRegistrations} are always registered. Kryo references
 * are off: values are trees (records of immutable collections), and cyclic graphs are not supported.
 *
 * <p>Invariants, checked when the codec is built: every id and every class is registered at most once; user ids are
 * {@value #FIRST_USER_ID} or more. Decoding refuses bytes left over after the value, which mean corruption.
 *
 * <p>Decoding reads bytes from other sites, so it holds up against any bytes: it returns a value or throws
 * {@link KryoDecodingException}, nothing else; no length or count read from the bytes makes it allocate more than
 * the bytes could hold ({@link BoundedInput}, {@link BoundedSerializers}); nesting deeper than {@value #MAX_DEPTH}
 * is refused before it can overflow the stack.
 */
public final class KryoCodec {
  /** The first id open to callers; lower ids are reserved for the transport's own registrations. */
  public static final int FIRST_USER_ID = 100;

  /** Far deeper than any message (a batch, its entry list, an entry), far shallower than a thread's stack allows. */
  static final int MAX_DEPTH = 64;

  private static final int POOL_SIZE = 64;
  private static final int INITIAL_OUTPUT_BYTES = 4096;
  /** Outputs that grew past this are dropped instead of pooled, so one huge value does not pin its buffer. */
  private static final int MAX_POOLED_OUTPUT_BYTES = 1 << 20;

  private final List<KryoRegistration> registrations;
  private final Pool<Kryo> kryos;
  private final Pool<Output> outputs;

  private KryoCodec(List<KryoRegistration> registrations) {
    this.registrations = List.copyOf(registrations);
    this.kryos = new Pool<>(true, false, POOL_SIZE) {
      @Override
      protected Kryo create() {
        return newKryo();
      }
    };
    this.outputs = new Pool<>(true, false, POOL_SIZE) {
      @Override
      protected Output create() {
        return new Output(INITIAL_OUTPUT_BYTES, -1);
      }
    };
    kryos.free(newKryo()); // fail now, not on the first message, if a serializer cannot be set up
  }

  /**
   * A codec for the given classes plus the built-in JDK ones.
   *
   * @throws IllegalArgumentException if an id is below {@value #FIRST_USER_ID}, or an id or a class is registered twice
   */
  public static KryoCodec create(List<KryoRegistration> registrations) {
    return withReserved(List.of(), registrations);
  }

  /** A codec with extra registrations in the reserved range, for this package's Pekko serializer. */
  static KryoCodec withReserved(List<KryoRegistration> reserved, List<KryoRegistration> user) {
    for (KryoRegistration r : user) {
      if (r.id() < FIRST_USER_ID) {
        throw new IllegalArgumentException("Kryo id " + r.id() + " for " + r.type().getName()
            + " is reserved; user registrations start at " + FIRST_USER_ID);
      }
    }
    List<KryoRegistration> all = new ArrayList<>(BuiltInRegistrations.all());
    all.addAll(reserved);
    all.addAll(user);
    requireUnique(all);
    return new KryoCodec(all);
  }

  public byte[] encode(Object value) {
    Kryo kryo = kryos.obtain();
    Output output = outputs.obtain();
    try {
      kryo.writeClassAndObject(output, value);
      return output.toBytes();
    } catch (KryoException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot Kryo-encode " + describe(value) + ": " + kryoMessage(e)
          + (isUnregistered(e) ? "\nRegister the class with a fixed id >= " + FIRST_USER_ID
              + " in cfs-repl.kryo.registrations." : ""), e);
    } finally {
      kryos.free(kryo);
      if (output.getBuffer().length <= MAX_POOLED_OUTPUT_BYTES) {
        output.reset();
        outputs.free(output);
      }
    }
  }

  public ByteString encodeToByteString(Object value) {
    return ByteString.fromArrayUnsafe(encode(value));
  }

  /**
   * The value encoded in {@code bytes}, exactly: bytes left over are refused.
   *
   * @throws KryoDecodingException if the bytes are not the encoding of a registered value
   */
  public Object decode(byte[] bytes) {
    Kryo kryo = kryos.obtain();
    try {
      Input input = new BoundedInput(bytes);
      Object value = kryo.readClassAndObject(input);
      if (input.position() != bytes.length) {
        throw new KryoDecodingException("Kryo decoding of " + bytes.length + " bytes left "
            + (bytes.length - input.position()) + " bytes unread");
      }
      return value;
    } catch (KryoException e) {
      throw new KryoDecodingException("Cannot Kryo-decode " + bytes.length + " bytes: " + kryoMessage(e)
          + (isUnregistered(e) ? "\nBoth ends must have the same cfs-repl.kryo.registrations." : ""), e);
    } catch (KryoDecodingException e) {
      throw e;
    } catch (RuntimeException e) {
      // a serializer (registered in config, or a record's constructor) refusing what it read: corrupt bytes too
      throw new KryoDecodingException("Cannot Kryo-decode " + bytes.length + " bytes: " + e, e);
    } finally {
      // a failed read can leave the instance mid-graph (depth, generics): reset before it is reused
      kryo.reset();
      kryos.free(kryo);
    }
  }

  public Object decode(ByteString bytes) {
    return decode(bytes.toArrayUnsafe());
  }

  /**
   * The value encoded in {@code bytes}, which must be a non-null {@code expected} whose records hold what their
   * declared types say, down to the elements of their collections and maps ({@link WellTyped}): this is how a
   * message from another site is read.
   *
   * @throws KryoDecodingException if it is not, or the bytes do not decode
   */
  public <T> T decode(ByteString bytes, Class<T> expected) {
    Object value = decode(bytes);
    if (!expected.isInstance(value)) {
      throw new KryoDecodingException("expected a " + expected.getSimpleName() + ", got "
          + (value == null ? "null" : value.getClass().getName()));
    }
    WellTyped.require(value);
    return expected.cast(value);
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo(new SubtypeClassResolver(), null);
    kryo.setRegistrationRequired(true);
    kryo.setMaxDepth(MAX_DEPTH);
    for (KryoRegistration r : registrations) {
      Serializer<?> serializer = r.serializer() != null ? r.serializer() : BoundedSerializers.forType(r.type());
      if (serializer == null) {
        kryo.register(r.type(), r.id());
      } else {
        kryo.register(r.type(), serializer, r.id());
      }
    }
    return kryo;
  }

  private static void requireUnique(List<KryoRegistration> all) {
    Map<Integer, KryoRegistration> byId = new HashMap<>();
    Map<Class<?>, KryoRegistration> byType = new HashMap<>();
    for (KryoRegistration r : all) {
      KryoRegistration sameId = byId.putIfAbsent(r.id(), r);
      if (sameId != null) {
        throw new IllegalArgumentException("Kryo id " + r.id() + " is registered twice: " + sameId.type().getName()
            + " and " + r.type().getName());
      }
      KryoRegistration sameType = byType.putIfAbsent(r.type(), r);
      if (sameType != null) {
        throw new IllegalArgumentException(r.type().getName() + " is registered twice with Kryo: ids "
            + sameType.id() + " and " + r.id());
      }
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  // Kryo's advice to call kryo.register(...) does not apply to users of this codec; they register in config.
  private static String kryoMessage(Exception e) {
    return String.valueOf(e.getMessage())
        .replace(IllegalArgumentException.class.getName() + ": ", "")
        .replaceAll("\nNote: To register this class use: [^\n]*", "");
  }

  private static boolean isUnregistered(Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("Class is not registered") || message.contains("unregistered class ID");
  }
}
