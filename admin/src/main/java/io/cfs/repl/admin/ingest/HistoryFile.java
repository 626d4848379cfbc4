package io.cfs.repl.admin.ingest;

import io.cfs.repl.model.entry.JournalEntry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The record of what a node acknowledged, for checking sites afterwards: one line per acknowledged entry,
 * {@code site shard seq hlc op inodeId crc}, tab separated, appended to the file (a second run adds to it).
 */
final class HistoryFile implements AutoCloseable {
  private final BufferedWriter out;

  private HistoryFile(BufferedWriter out) {
    this.out = out;
  }

  static HistoryFile append(Path file) throws IOException {
    return new HistoryFile(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE));
  }

  synchronized void record(List<JournalEntry> acknowledged) {
    try {
      for (JournalEntry e : acknowledged) {
        out.write(e.originSite() + '\t' + e.shard() + '\t' + e.seq() + '\t' + e.hlc() + '\t' + e.op() + '\t'
            + e.inodeId() + '\t' + e.crc() + '\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the history file", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
