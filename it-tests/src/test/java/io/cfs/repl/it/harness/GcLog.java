package io.cfs.repl.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Peak heap of a node from its GC logs ({@code -Xlog:gc}, one file per incarnation): the largest heap occupancy
 * before a collection, which is the most the heap held. Free to measure, unlike attaching to the JVM.
 */
public final class GcLog {
  private GcLog() {
  }

  /** The JVM flag that makes a node write its GC log next to its log file (the pid keeps restarts apart). */
  static String flag(Path logDir, String node) {
    return "-Xlog:gc:file=" + logDir.resolve(node + "-gc-%p.log") + ":uptime";
  }

  /** Largest pre-collection heap occupancy over every incarnation of the node, in bytes; -1 if none logged. */
  public static long peakHeapBytes(Path logDir, String node) {
    long peak = -1;
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(node + "-gc-")).toList()) {
        peak = Math.max(peak, io.cfs.repl.admin.tools.bench.GcLog.peaks(Files.readString(f)).beforeGc());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return peak;
  }
}
