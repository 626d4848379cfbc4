package io.cfs.repl.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * The classpath node JVMs run with: this test JVM's classpath, with the project's own jars (cfs-repl-*.jar, which a
 * concurrent {@code mvn install} may replace in ~/.m2 while a test runs) copied once into
 * target/it-classpath, so every node of a test run, restarts included, runs the same code.
 */
final class NodeClasspath {
  private static String classpath;

  private NodeClasspath() {
  }

  static synchronized String get() {
    if (classpath == null) classpath = snapshot();
    return classpath;
  }

  private static String snapshot() {
    Path dir = Path.of(System.getProperty("it.classpath.dir", "target/it-classpath")).toAbsolutePath();
    List<String> entries = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (name.startsWith("cfs-repl-") && name.endsWith(".jar") && Files.isRegularFile(p)) {
          entries.add(copyIntact(p, dir.resolve(name)).toString());
        } else {
          entries.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot snapshot the node classpath into " + dir, e);
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Copies a jar and checks it opens; a jar caught half-written by an install is copied again. */
  private static Path copyIntact(Path jar, Path copy) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
      try (ZipFile zip = new ZipFile(copy.toFile())) {
        if (zip.size() > 0) return copy;
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(1_000); // an install is rewriting the jar: give it a moment
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("jar " + jar + " is not readable", last);
  }
}
