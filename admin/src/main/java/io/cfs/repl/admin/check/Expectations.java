package io.cfs.repl.admin.check;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every site must hold after quiescence, from history files of acknowledged entries
 * ({@code site shard seq hlc op inodeId crc}, tab separated, as {@code cfs load --history} writes them): per inode,
 * the highest acknowledged version under last-write-wins, and whether that write was a delete.
 */
record Expectations(Map<Long, Expected> inodes, long entries) {

  /** The winning acknowledged write of one inode. */
  record Expected(Version version, boolean tombstone) {
  }

  static Expectations read(List<Path> files) throws IOException {
    Map<Long, Expected> inodes = new HashMap<>();
    long entries = 0;
    for (Path file : files) {
      try (Stream<String> lines = Files.lines(file)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.isBlank()) continue;
          String[] f = line.split("\t");
          if (f.length != 7) throw new IllegalArgumentException(file + ": not a history line: " + line);
          Expected e = new Expected(new Version(Long.parseLong(f[3]), f[0]), Op.valueOf(f[4]).isDelete());
          inodes.merge(Long.parseLong(f[5]), e, (a, b) -> b.version().isNewerThan(a.version()) ? b : a);
          entries++;
        }
      }
    }
    return new Expectations(Map.copyOf(inodes), entries);
  }
}
