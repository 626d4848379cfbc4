package io.cfs.repl.admin.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.bench.ScratchDirs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo shows its progress and summary only, logs its nodes to a file, and cleans up unless kept. */
class DemoCommandTest {
  private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(INFO|WARN|ERROR|DEBUG)");
  private static final Pattern DATA_DIR = Pattern.compile("data in (\\S+)");

  private record Run(int exit, String output) {
    Path dataDir() {
      Matcher m = DATA_DIR.matcher(output);
      assertThat(m.find()).as(output).isTrue();
      return Path.of(m.group(1));
    }
  }

  private static Run demo(String... extra) {
    String[] args = new String[] {"--sites", "2", "--entries", "300", "--rate", "0", "--shards", "4", "--inodes", "50"};
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      int exit = new CommandLine(new DemoCommand()).execute(all);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void theTerminalShowsNoLogLinesAndTheScratchDataIsRemovedOnceConverged() {
    Run run = demo();
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("RESULT: all sites converged").contains("node logs: " + run.dataDir())
        .contains("removed " + run.dataDir());
    assertThat(LOG_LINE.matcher(run.output()).find()).as("a log line on the terminal:\n" + run.output()).isFalse();
    assertThat(run.dataDir()).doesNotExist();
  }

  @Test
  void keptTheDataDirHoldsTheNodeLog() throws Exception {
    Run run = demo("--keep");
    assertThat(run.exit()).as(run.output()).isZero();
    Path log = run.dataDir().resolve("demo.log");
    assertThat(log).exists();
    assertThat(Files.readString(log)).contains("node up").contains("site-a").contains("site-b");
    assertThat(LOG_LINE.matcher(run.output()).find()).as(run.output()).isFalse();
    ScratchDirs.delete(run.dataDir());
  }
}
