package io.cfs.repl.admin.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch data of a tool run, removed when it ends (unless the operator keeps it). */
public final class ScratchDirs {
  private ScratchDirs() {
  }

  /** Deletes {@code dir} and everything under it; says so on stdout, with the space it frees. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      long[] bytes = {0};
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          if (Files.isRegularFile(p)) bytes[0] += Files.size(p);
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      System.out.printf("removed %s (%.0f MB of scratch data; --keep keeps it)%n", dir, bytes[0] / 1e6);
    } catch (IOException | UncheckedIOException e) {
      System.out.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
