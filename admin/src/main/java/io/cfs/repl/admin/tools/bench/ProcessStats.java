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
      return statCpuNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** User plus system time of a /proc stat line (process or thread). */
  private static long statCpuNanos(String stat) {
    // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
  }

  /**
   * CPU time so far of each thread of process {@code pid}, by thread name with its digits replaced by N (pool
   * threads add up), from /proc/PID/task; names are the kernel's, cut to 15 characters. Empty where /proc does not
   * tell. RocksDB's own threads show here (as rocksdb:*), which a JVM profiler does not see.
   */
  public static java.util.Map<String, Long> threadCpuNanos(long pid) {
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
          byName.merge(name, statCpuNanos(stat), Long::sum);
        } catch (IOException | RuntimeException threadEnded) {
          // a thread that ended meanwhile: its time is gone from /proc with it
        }
      }
    } catch (IOException e) {
      return java.util.Map.of();
    }
    return byName;
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
