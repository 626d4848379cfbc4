package io.cfs.repl.it.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process from /proc (Linux): {@code /proc/<pid>/stat} utime + stime, and
 * {@code /proc/<pid>/status} VmHWM (peak resident set) and VmRSS.
 *
 * @param cpuMillis user + system CPU time so far
 * @param peakRssBytes VmHWM
 * @param rssBytes VmRSS now
 */
public record ProcStats(long cpuMillis, long peakRssBytes, long rssBytes) {
  /** USER_HZ: the unit of utime and stime; 100 on every Linux the tests run on (getconf CLK_TCK). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  public static ProcStats of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the ")" closing the command name: state is field 3, utime 14, stime 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long hwm = -1;
      long rss = -1;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) hwm = kib(line);
        if (line.startsWith("VmRSS:")) rss = kib(line);
      }
      return new ProcStats(ticks * 1000 / CLOCK_TICKS_PER_SECOND, hwm, rss);
    } catch (IOException | RuntimeException e) {
      return new ProcStats(-1, -1, -1);
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }

  public static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
  }
}
