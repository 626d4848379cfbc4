package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Kryo's class resolver, plus: a class with no registration of its own is written under the registration of the
 * first registered interface or abstract class it implements (see {@link KryoRegistration}). Classes stay strictly
 * registered; this only lets one fixed id cover implementation classes that cannot be named in advance.
 *
 * <p>A class named in the bytes (Kryo's form for an unregistered class, which this codec never writes) is refused
 * before Kryo looks the name up: Kryo would otherwise load any class a peer names ({@code Class.forName}) before
 * finding it unregistered.
 */
final class SubtypeClassResolver extends DefaultClassResolver {
  private final List<Registration> covering = new ArrayList<>();

  @Override
  public Registration register(Registration registration) {
    if (KryoRegistration.coversSubtypes(registration.getType())) {
      covering.add(registration);
    }
    return super.register(registration);
  }

  @Override
  protected Registration readName(Input input) {
    throw new KryoException("a class written by name; every class must be registered with an id");
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Registration getRegistration(Class type) {
    Registration own = super.getRegistration(type);
    if (own != null) {
      return own;
    }
    Class<?> unregistered = type;
    for (Registration registration : covering) {
      if (registration.getType().isAssignableFrom(unregistered)) {
        return registration;
      }
    }
    return null;
  }
}
