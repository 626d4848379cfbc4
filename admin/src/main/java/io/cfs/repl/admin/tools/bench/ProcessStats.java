package io.cfs.repl.admin.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of this JVM process, or of another one by pid (from /proc), for benchmark reports. */
public final class ProcessStats {
  private ProcessStats() {
  }

  public static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sum of the peak usage of every heap pool since start (upper bound of the peak heap). */
  public static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** Peak resident set size (VmHWM) in bytes, or -1 where /proc is not available. */
  public static long peakRssBytes() {
    return peakRssBytes("self");
  }

  /** Peak resident set size (VmHWM) of process {@code pid} in bytes, or -1 where /proc does not tell. */
  public static long peakRssBytes(long pid) {
    return peakRssBytes(Long.toString(pid));
  }

  /** CPU time (user + system) of process {@code pid} so far, or -1 where /proc does not tell. */
  public static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** USER_HZ: 100 on every Linux this runs on (the kernel ABI fixes it for /proc). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private static long peakRssBytes(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  public static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
  }
}
