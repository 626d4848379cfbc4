package io.cfs.repl.persistence;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened, closed after it in reverse order of opening, so that a journal or a store closes before the
 * database pool under it. Register it as an instance field with {@code @RegisterExtension}.
 */
public final class ClosedAfterTest implements AfterEachCallback {
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Registers {@code resource} and returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    opened.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
    opened.clear();
  }
}
