package io.cfs.repl.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's JNI library from one copy per library version under {@code java.io.tmpdir/cfs-repl-native/},
 * shared by every JVM of the host. RocksDB's own loader extracts the 17 MB library into a new temp file per JVM and
 * deletes it at a clean exit only: a killed JVM leaves it behind (50 of them, 850 MB, after a day of test runs).
 * If that copy cannot be written or loaded, RocksDB's own loader is the fallback.
 */
final class RocksDbLibrary {
  private static final Logger log = LoggerFactory.getLogger(RocksDbLibrary.class);
  static final String DIR = "cfs-repl-native";
  private static boolean loaded; // guarded by the class

  private RocksDbLibrary() {
  }

  static synchronized void load() {
    if (loaded) return;
    try {
      Path dir = directory();
      extractIfMissing(dir);
      RocksDB.loadLibrary(List.of(dir.toString()));
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      log.warn("RocksDB's library not loaded from a shared copy ({}); extracting a copy for this JVM", e.toString());
      RocksDB.loadLibrary();
    }
    loaded = true;
  }

  /** The shared copy's directory, named after the jar it comes from, so that each RocksDB version has its own. */
  static Path directory() {
    String from;
    try {
      from = Paths.get(RocksDB.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()
          .toString().replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (URISyntaxException | RuntimeException e) {
      from = "rocksdbjni";
    }
    return Paths.get(System.getProperty("java.io.tmpdir"), DIR, from);
  }

  /** Writes the library into {@code dir} unless a complete copy is there; concurrent JVMs each rename a whole file. */
  private static void extractIfMissing(Path dir) throws IOException {
    String packaged = Environment.getJniLibraryFileName("rocksdb");
    URL resource = RocksDB.class.getClassLoader().getResource(packaged);
    if (resource == null) throw new IOException("no " + packaged + " in the RocksDB jar");
    URLConnection connection = resource.openConnection();
    long size = connection.getContentLengthLong();
    // the name RocksDB.loadLibrary(paths) looks for in each path (it is not the packaged one)
    String name = Environment.getJniLibraryFileName("rocksdbjni");
    Path lib = dir.resolve(name);
    if (Files.isRegularFile(lib) && Files.size(lib) == size) return;
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, name, ".partial");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
