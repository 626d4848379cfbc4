package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Kryo's class resolver, plus: a class with no registration of its own is written under the registration of the
 * first registered interface or abstract class it implements (see {@link KryoRegistration}). Classes stay strictly
 * registered; this only lets one fixed id cover implementation classes that cannot be named in advance.
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
