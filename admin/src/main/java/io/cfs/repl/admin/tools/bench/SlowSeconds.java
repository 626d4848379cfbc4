package io.cfs.repl.admin.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The seconds that hold a peer's lag tail, each laid beside what else ran in it or the second before: GC pauses of
 * every node (from their GC logs) and RocksDB flushes and compactions (from the event log in each database's LOG). A
 * percentile says how long the tail is; this says which seconds make it and what they share.
 */
final class SlowSeconds {
  private static final Pattern WALL_CLOCK = Pattern.compile("\\[(\\d+)ms\\]"); // the timemillis decoration
  private static final Pattern EVENT = Pattern.compile(
      "\"time_micros\": (\\d+), .*\"job\": (\\d+), \"event\": \"(flush|compaction)_(started|finished)\"");
  private static final int SHOWN = 5;

  /** One second of applies at a peer: entries, longest lag, and how many lagged over each threshold. */
  record Second(long epochSecond, long count, long maxMicros, long[] over) {
  }

  /** A node's background work in a run: its GC pauses (end, millis) and its RocksDB jobs (start, end, what). */
  record Activity(String site, List<long[]> pauses, List<Job> jobs) {
  }

  /** A flush or compaction of one database, in epoch micros; a job still running at the end has end Long.MAX. */
  record Job(String what, long startMicros, long endMicros) {
  }

  private SlowSeconds() {
  }

  /** The seconds from an {@code apply-lag} answer's {@code seconds} for one origin. */
  static List<Second> parse(JsonNode seconds) {
    List<Second> out = new ArrayList<>();
    for (JsonNode s : seconds) {
      long[] over = new long[s.path("over").size()];
      for (int i = 0; i < over.length; i++) over[i] = s.path("over").get(i).asLong();
      out.add(new Second(s.path("epochSecond").asLong(), s.path("count").asLong(), s.path("maxMicros").asLong(), over));
    }
    return out;
  }

  /** Reads a node's GC log (written with the {@code timemillis} decoration) and the LOG of each RocksDB under it. */
  static Activity activity(String site, Path gcLog, Path dataDir) throws IOException {
    List<long[]> pauses = new ArrayList<>();
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog, StandardCharsets.ISO_8859_1)) {
        Matcher pause = GcLog.PAUSE_TIME.matcher(line);
        Matcher at = WALL_CLOCK.matcher(line);
        if (pause.find() && at.find()) {
          pauses.add(new long[] {Long.parseLong(at.group(1)), Math.round(Double.parseDouble(pause.group(1)))});
        }
      }
    }
    List<Job> jobs = new ArrayList<>();
    if (Files.isDirectory(dataDir)) {
      try (Stream<Path> dbs = Files.list(dataDir)) {
        for (Path db : dbs.filter(Files::isDirectory).sorted().toList()) {
          List<String> lines = new ArrayList<>();
          try (Stream<Path> logs = Files.list(db)) { // RocksDB rolls LOG over to LOG.old.<micros>: oldest first
            for (Path log : logs.filter(f -> f.getFileName().toString().startsWith("LOG"))
                .sorted(Comparator.comparing((Path f) -> !f.getFileName().toString().equals("LOG"))
                    .reversed().thenComparing(Path::toString)).toList()) {
              lines.addAll(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
            }
          }
          jobs.addAll(jobs(db.getFileName() + " ", lines));
        }
      }
    }
    return new Activity(site, pauses, jobs);
  }

  /** The flushes and compactions of one RocksDB LOG, each named {@code prefix} + flush or compaction. */
  static List<Job> jobs(String prefix, List<String> lines) {
    Map<String, Long> started = new HashMap<>();
    List<Job> jobs = new ArrayList<>();
    for (String line : lines) {
      Matcher m = EVENT.matcher(line);
      if (!m.find()) continue;
      String key = m.group(3) + " " + m.group(2);
      long at = Long.parseLong(m.group(1));
      if (m.group(4).equals("started")) {
        started.put(key, at);
      } else if (started.containsKey(key)) {
        jobs.add(new Job(prefix + m.group(3), started.remove(key), at));
      }
    }
    started.forEach((key, at) -> jobs.add(new Job(prefix + key.substring(0, key.indexOf(' ')), at, Long.MAX_VALUE)));
    return jobs;
  }

  /**
   * Lines describing the seconds holding most of the entries over the largest threshold at or under {@code p99Micros}
   * (so at least the entries past the p99), slowest first, each as seconds after {@code windowStartMillis}, with what
   * ran in it and the second before; and, first, one line
   * of how many of those entries fell in seconds with a GC pause, or with a flush or compaction, anywhere.
   */
  static List<String> describe(List<Second> seconds, List<Long> thresholdsMillis, long p99Micros, long windowStartMillis,
                               List<Activity> nodes) {
    int t = -1;
    for (int i = 0; i < thresholdsMillis.size(); i++) if (thresholdsMillis.get(i) * 1000 <= p99Micros) t = i;
    if (t < 0 || seconds.isEmpty()) return List.of();
    int at = t;
    long total = seconds.stream().mapToLong(s -> s.over()[at]).sum();
    if (total == 0) return List.of();
    List<String> lines = new ArrayList<>();
    long withGc = 0;
    long withJob = 0;
    for (Second s : seconds) {
      if (s.over()[at] == 0) continue;
      if (nodes.stream().anyMatch(n -> !gcIn(n, s.epochSecond()).isEmpty())) withGc += s.over()[at];
      if (nodes.stream().anyMatch(n -> !jobsIn(n, s.epochSecond()).isEmpty())) withJob += s.over()[at];
    }
    long gcSeconds = seconds.stream().filter(s -> nodes.stream().anyMatch(n -> !gcIn(n, s.epochSecond()).isEmpty()))
        .count();
    long jobSeconds = seconds.stream()
        .filter(s -> nodes.stream().anyMatch(n -> !jobsIn(n, s.epochSecond()).isEmpty())).count();
    lines.add(String.format("%,d entries lagged over %d ms (p99 %.1f ms); in seconds with a GC pause %.0f %% (of all"
            + " seconds: %.0f %%), with a RocksDB flush or compaction %.0f %% (of all: %.0f %%), either node, that second"
            + " or the one before", total, thresholdsMillis.get(t), p99Micros / 1000.0, 100.0 * withGc / total,
        100.0 * gcSeconds / seconds.size(), 100.0 * withJob / total, 100.0 * jobSeconds / seconds.size()));
    seconds.stream().filter(s -> s.over()[at] > 0)
        .sorted(Comparator.comparingLong((Second s) -> s.over()[at]).reversed()).limit(SHOWN).forEach(s -> {
          StringBuilder line = new StringBuilder(String.format("+%3ds %,6d of %,6d over %d ms, max %5.1f ms",
              s.epochSecond() - windowStartMillis / 1000, s.over()[at], s.count(), thresholdsMillis.get(at),
              s.maxMicros() / 1000.0));
          for (Activity n : nodes) {
            List<Long> gc = gcIn(n, s.epochSecond());
            List<String> jobs = jobsIn(n, s.epochSecond());
            if (gc.isEmpty() && jobs.isEmpty()) continue;
            line.append(" | ").append(n.site()).append(':');
            if (!gc.isEmpty()) line.append(" GC ").append(gc.stream().map(ms -> ms + " ms").toList());
            if (!jobs.isEmpty()) line.append(' ').append(String.join(", ", jobs));
          }
          lines.add(line.toString());
        });
    return lines;
  }

  /** The node's pauses ending in {@code second} or the one before, in millis. */
  private static List<Long> gcIn(Activity n, long second) {
    return n.pauses().stream().filter(p -> p[0] / 1000 == second || p[0] / 1000 == second - 1).map(p -> p[1])
        .toList();
  }

  /** The node's jobs running at some time in {@code second} or the one before. */
  private static List<String> jobsIn(Activity n, long second) {
    long from = (second - 1) * 1_000_000;
    long to = (second + 1) * 1_000_000;
    return n.jobs().stream().filter(j -> j.startMicros() < to && j.endMicros() >= from).map(Job::what).distinct()
        .toList();
  }
}
