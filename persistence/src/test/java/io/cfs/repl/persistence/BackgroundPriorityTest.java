package io.cfs.repl.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.WriteOptions;

/**
 * The priority reaches RocksDB's own threads. Checked in a child JVM: the pools belong to the process, and lowering
 * them here would slow the flushes of every other test of this JVM.
 */
class BackgroundPriorityTest {
  @TempDir
  Path dir;

  @Test
  void lowPutsEveryFlushAndCompactionThreadAtNice19() throws Exception {
    List<Integer> nices = childNices("LOW");
    assumeTrue(nices.remove(0) < 19, "the build runs at nice 19: nothing to lower");
    assertFalse(nices.isEmpty(), "no rocksdb background thread seen");
    nices.forEach(nice -> assertEquals(19, nice, "nice of the rocksdb threads " + nices));
  }

  @Test
  void normalLeavesThemAsTheProcess() throws Exception {
    List<Integer> nices = childNices("NORMAL");
    assertFalse(nices.isEmpty(), "no rocksdb background thread seen");
    int process = nices.remove(0); // whatever the build runs at
    assumeTrue(process < 19, "the build runs at nice 19: nothing to compare");
    nices.forEach(nice -> assertEquals(process, nice, "nice of the rocksdb threads " + nices));
  }

  /**
   * The nice value of a child JVM that set {@code priority}, then wrote and flushed: first its main thread's, then
   * each rocksdb:* thread's.
   */
  private List<Integer> childNices(String priority) throws IOException, InterruptedException {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Child.class.getName(), priority, dir.resolve(priority).toString())
        .redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not end: " + out);
    assertEquals(0, child.exitValue(), out);
    List<Integer> nices = new ArrayList<>();
    out.lines().filter(l -> l.startsWith("NICE ")).forEach(l -> nices.add(Integer.parseInt(l.substring(5).trim())));
    return nices;
  }

  /** Sets the priority, opens a database, writes and flushes (so the flush thread has run), prints the nices. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      BackgroundPriority.valueOf(args[0]).applyToProcess();
      RocksDbSettings settings = new RocksDbSettings(1 << 20, 2, RocksDbSettings.Compression.LZ4, 1 << 20, 2);
      try (RocksDbHandle rocks = RocksDbHandle.open(Path.of(args[1]), settings, List.of());
           WriteOptions write = new WriteOptions();
           FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        for (int i = 0; i < 1000; i++) rocks.db().put(write, ("key" + i).getBytes(), new byte[100]);
        rocks.db().flush(flush);
        // a thread lowers itself when it takes a job: the flush ran on the high pool, the compaction runs on the low
        rocks.db().compactRange();
        System.out.println("NICE " + nice(Files.readString(Path.of("/proc/thread-self/stat"))));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
          for (Path task : (Iterable<Path>) tasks::iterator) {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            if (name.startsWith("rocksdb:")) System.out.println("NICE " + nice(stat));
          }
        }
      }
    }

    /** Field 19 of a /proc stat line; the fields after the command name start at field 3 (state). */
    private static String nice(String stat) {
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
    }
  }
}
