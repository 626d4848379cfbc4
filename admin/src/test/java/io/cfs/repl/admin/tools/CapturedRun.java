package io.cfs.repl.admin.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** A command of the {@code cfs} CLI run in this JVM: its exit code and what it printed on standard output. */
public record CapturedRun(int exit, String out) {

  /** Runs {@code command} with {@code args}, standard output captured (and restored after). */
  public static CapturedRun of(Object command, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(command).execute(args);
      return new CapturedRun(exit, bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(previous);
    }
  }
}
