package io.cfs.repl.admin.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap peaks of a node JVM from its unified GC log, read from the heap sizes ({@code 120M->40M(256M)}) of its pause
 * lines: the peak after GC is the most the heap held once collected (live data plus what the collector left), the
 * peak before GC the most it reached between collections. The it-tests harness reads its nodes' logs with it too.
 */
public final class GcLog {
  private static final Pattern PAUSE = Pattern.compile("\\bPause\\b.*\\s(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

  /** A node's flag for its log: one file, never rotated, so a byte offset in it marks a point of the run. */
  static String flag(Path log) {
    return "-Xlog:gc*:file=" + log.toAbsolutePath() + "::filecount=0";
  }

  /** Peaks in bytes over {@code pauses} pause lines; -1 when there were none. */
  public record Peaks(long afterGc, long beforeGc, int pauses) {
    String describe() {
      return pauses == 0 ? "no GC pause" : String.format("peak after GC %s, before GC %s (%d pauses)",
          ProcessStats.mib(afterGc), ProcessStats.mib(beforeGc), pauses);
    }
  }

  private GcLog() {
  }

  /** The peaks of the pauses logged from byte {@code from} of {@code log} on (a missing log has none). */
  static Peaks peaks(Path log, long from) throws IOException {
    if (!Files.exists(log)) return new Peaks(-1, -1, 0);
    byte[] bytes = Files.readAllBytes(log);
    return peaks(new String(Arrays.copyOfRange(bytes, (int) Math.min(from, bytes.length), bytes.length),
        StandardCharsets.UTF_8));
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
