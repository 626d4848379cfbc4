package io.cfs.repl.admin.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap peaks and pauses of a node JVM from its unified GC log. Peaks are read from the heap sizes
 * ({@code 120M->40M(256M)}) of its pause lines: the peak after GC is the most the heap held once collected (live data
 * plus what the collector left), the peak before GC the most it reached between collections. Pauses are read from the
 * durations that end those lines: a pause stops every thread of the node, so each entry in flight there waits it out,
 * which is what a lag percentile above the median is often made of. The it-tests harness reads its nodes' logs too.
 */
public final class GcLog {
  private static final Pattern PAUSE = Pattern.compile("\\bPause\\b.*\\s(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");
  static final Pattern PAUSE_TIME = Pattern.compile("\\bPause\\b.*\\s(\\d+(?:\\.\\d+)?)ms\\s*$");

  /**
   * A node's flag for its log: one file, never rotated, so a byte offset in it marks a point of the run; each line
   * starts with its wall-clock time in epoch millis, so that a pause can be laid beside the seconds of a lag tail.
   */
  static String flag(Path log) {
    return "-Xlog:gc*:file=" + log.toAbsolutePath() + ":timemillis,uptime,level,tags:filecount=0";
  }

  /** Peaks in bytes over {@code pauses} pause lines; -1 when there were none. */
  public record Peaks(long afterGc, long beforeGc, int pauses) {
    String describe() {
      return pauses == 0 ? "no GC pause" : String.format("peak after GC %s, before GC %s (%d pauses)",
          ProcessStats.mib(afterGc), ProcessStats.mib(beforeGc), pauses);
    }
  }

  /** Stop-the-world pauses: how many, their total and the longest, in milliseconds. */
  public record Pauses(int count, double totalMillis, double longestMillis) {
    String describe(double seconds) {
      return count == 0 ? "no GC pause" : String.format("%d pauses, %.1f ms in all (%.2f %% of %.1f s), longest %.1f"
          + " ms", count, totalMillis, 100 * totalMillis / 1000 / seconds, seconds, longestMillis);
    }
  }

  private GcLog() {
  }

  /** The peaks of the pauses logged from byte {@code from} of {@code log} on (a missing log has none). */
  static Peaks peaks(Path log, long from) throws IOException {
    return peaks(text(log, from));
  }

  /** The pauses logged from byte {@code from} of {@code log} on (a missing log has none). */
  static Pauses pauses(Path log, long from) throws IOException {
    return pauses(text(log, from));
  }

  /** The pauses of the pause lines in {@code text}. */
  public static Pauses pauses(String text) {
    int count = 0;
    double total = 0;
    double longest = 0;
    for (String line : text.split("\n")) {
      Matcher m = PAUSE_TIME.matcher(line);
      if (!m.find()) continue;
      double millis = Double.parseDouble(m.group(1));
      count++;
      total += millis;
      longest = Math.max(longest, millis);
    }
    return new Pauses(count, total, longest);
  }

  private static String text(Path log, long from) throws IOException {
    if (!Files.exists(log)) return "";
    byte[] bytes = Files.readAllBytes(log);
    return new String(Arrays.copyOfRange(bytes, (int) Math.min(from, bytes.length), bytes.length),
        StandardCharsets.UTF_8);
  }

  /** The peaks of the pause lines in {@code text}. */
  public static Peaks peaks(String text) {
    long after = -1;
    long before = -1;
    int pauses = 0;
    for (String line : text.split("\n")) {
      Matcher m = PAUSE.matcher(line);
      if (!m.find()) continue;
      pauses++;
      before = Math.max(before, bytes(m.group(1), m.group(2)));
      after = Math.max(after, bytes(m.group(3), m.group(4)));
    }
    return new Peaks(after, before, pauses);
  }

  private static long bytes(String amount, String unit) {
    int shift = switch (unit) {
      case "K" -> 10;
      case "M" -> 20;
      default -> 30;
    };
    return Long.parseLong(amount) << shift;
  }

  /** Where the log ends now: the pauses logged after this are a later phase's. */
  static long end(Path log) throws IOException {
    return Files.exists(log) ? Files.size(log) : 0;
  }
}
