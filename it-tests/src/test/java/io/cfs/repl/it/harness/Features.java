package io.cfs.repl.it.harness;

import org.junit.jupiter.api.Assumptions;

/** Product features the tests depend on that may not be built yet. */
public final class Features {
  private Features() {
  }

  /**
   * Whether the node has its ingest endpoint ({@code POST /journal/entries}); the node main in the admin module
   * serves it with {@code io.cfs.repl.admin.ingest.IngestServer}. Tests that write through it are skipped, with this
   * reason, in a build that does not have that class yet; once it is there they run and must pass.
   */
  public static boolean ingestAvailable() {
    try {
      Class.forName("io.cfs.repl.admin.ingest.IngestServer", false, Features.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  public static void assumeIngest() {
    Assumptions.assumeTrue(ingestAvailable(),
        "the node's ingest endpoint (io.cfs.repl.admin.ingest.IngestServer) is not in this build yet");
  }
}
