package io.cfs.repl.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A machine-read line stays whole while other threads write log lines to the same stream. */
class MachineLineTest {
  private static final byte[] LOG_LINE = "12:00:00.000 INFO  some.Logger - a log line\n".getBytes(StandardCharsets.UTF_8);

  /** The stream underneath sees each write the PrintStream makes under its lock: one for the whole line. */
  @Test
  void theLineReachesTheStreamInOneWrite() {
    Recording recording = new Recording();
    PrintStream out = new PrintStream(recording, true, StandardCharsets.UTF_8);
    MachineLine.print(out, "READY site=%s link=%d admin=%s", "site-a", 1, "x");
    assertThat(recording.writes).containsExactly("READY site=site-a link=1 admin=x" + System.lineSeparator());
    // what it replaces: printf writes each piece of its format on its own, and another thread's line can land between
    recording.writes.clear();
    out.printf("READY site=%s link=%d admin=%s%n", "site-a", 1, "x");
    assertThat(recording.writes).hasSizeGreaterThan(1);
  }

  @Test
  void concurrentLogLinesNeverSplitIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CountDownLatch go = new CountDownLatch(1);
    // as logback's console appender writes: each event one write of its encoded bytes
    Thread logger = new Thread(() -> {
      awaitQuietly(go);
      for (int i = 0; i < 50_000; i++) out.write(LOG_LINE, 0, LOG_LINE.length);
    });
    logger.start();
    go.countDown();
    for (int i = 0; i < 20_000; i++) MachineLine.print(out, "READY site=%s link=%d admin=%s", "site-a", i, "x");
    logger.join();
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(70_000);
    assertThat(lines).filteredOn(l -> !l.endsWith("a log line")).hasSize(20_000)
        .allMatch(l -> l.matches("READY site=site-a link=\\d+ admin=x"));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Recording extends OutputStream {
    final List<String> writes = new ArrayList<>();

    @Override
    public void write(int b) {
      writes.add(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(new String(b, off, len, StandardCharsets.UTF_8));
    }
  }
}
