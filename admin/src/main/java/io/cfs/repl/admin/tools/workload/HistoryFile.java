package io.cfs.repl.admin.tools.workload;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The record of what a node acknowledged, for checking sites afterwards: one line per acknowledged entry,
 * {@code site shard seq hlc op inodeId crc}, tab separated, appended to the file (a second run adds to it).
 * {@code cfs load} writes it and {@code cfs check} reads it, so the layout lives here only.
 */
public final class HistoryFile implements AutoCloseable {
  private static final int FIELDS = 7;

  /** One acknowledged entry as the file holds it (no payload). */
  public record Line(String site, int shard, long seq, long hlc, Op op, long inodeId, int crc) {
  }

  private final BufferedWriter out;

  private HistoryFile(BufferedWriter out) {
    this.out = out;
  }

  public static HistoryFile append(Path file) throws IOException {
    return new HistoryFile(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE));
  }

  public synchronized void record(List<JournalEntry> acknowledged) {
    try {
      for (JournalEntry e : acknowledged) {
        out.write(e.originSite() + '\t' + e.shard() + '\t' + e.seq() + '\t' + e.hlc() + '\t' + e.op() + '\t'
            + e.inodeId() + '\t' + e.crc() + '\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the history file", e);
    }
  }

  /** Every line of a history file, in order; blank lines are skipped, anything else malformed is refused. */
  public static void read(Path file, Consumer<Line> each) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isBlank()) continue;
        String[] f = line.split("\t");
        if (f.length != FIELDS) throw new IllegalArgumentException(file + ": not a history line: " + line);
        each.accept(new Line(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
            Op.valueOf(f[4]), Long.parseLong(f[5]), Integer.parseInt(f[6])));
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
