package io.cfs.repl.persistence;

/** Validation shared by the settings records of this module. */
public final class Settings {
  private Settings() {
  }

  /** Refuses a bad configuration value with a message naming the key and the value. */
  public static void require(boolean condition, String message) {
    if (!condition) throw new IllegalArgumentException(message);
  }
}
