package io.cfs.repl.admin.cli;

import java.io.PrintStream;

/**
 * A line that another program reads from this process's output (READY, INGEST, LOAD-STATS...), written whole. The
 * log's console appender writes to the same stream from other threads; {@code printf} writes each piece of its format
 * as a separate write, so a log line could land inside the line (a node's "READY site=site-a" was once followed by a
 * log line instead of the rest of it, and the test harness never saw it ready). One {@code print} of the formatted
 * line holds the stream's lock for all of it.
 */
public final class MachineLine {
  private MachineLine() {
  }

  /** Formats the line and writes it, line separator included, in one call; then flushes. */
  public static void print(PrintStream out, String format, Object... args) {
    out.print(String.format(format, args) + System.lineSeparator());
    out.flush();
  }
}
