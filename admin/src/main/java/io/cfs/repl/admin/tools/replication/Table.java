package io.cfs.repl.admin.tools.replication;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns as wide as their widest cell, two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) row[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
    rows.add(row);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) widths[i] = Math.max(widths[i], row[i].length());
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) line.append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** A link's throttle: "off" when unlimited (0), else its {@link #rate}. */
  static String throttle(long bytesPerSecond) {
    return bytesPerSecond == 0 ? "off" : rate(bytesPerSecond);
  }

  /** Bytes per second as an operator reads them: 800 B/s, 512.0 KiB/s, 2.0 MiB/s. */
  static String rate(long bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /** Bytes as an operator reads them: 800 B, 512.0 KiB, 2.0 MiB, 3.5 GiB. */
  static String bytes(long bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return String.format("%.1f KiB", bytes / 1024.0);
    if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  /** Milliseconds as an operator reads them: 850 ms, 12.3 s, 4.2 min. */
  static String millis(long ms) {
    if (ms < 1_000) return ms + " ms";
    if (ms < 60_000) return String.format("%.1f s", ms / 1000.0);
    if (ms < 3_600_000) return String.format("%.1f min", ms / 60_000.0);
    return String.format("%.1f h", ms / 3_600_000.0);
  }
}
