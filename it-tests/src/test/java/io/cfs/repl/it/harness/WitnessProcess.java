package io.cfs.repl.it.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The failover witness as its own JVM ({@code cfs witness --config file}): start, readiness (its {@code READY
 * witness=..} line), kill -9 and restart on the same data dir (its votes) and port. Built by
 * {@link Topology#witness}; the sites reach it, and it reaches them, through fault proxies.
 */
public final class WitnessProcess implements AutoCloseable {
  private final String name;
  private final Path configFile;
  private final Path logFile;
  private final Path dataDir;
  private final String hocon;
  private final List<String> jvmFlags;
  private Process process;
  private long logOffset;

  WitnessProcess(String name, Path configFile, Path logFile, Path dataDir, String hocon, List<String> jvmFlags) {
    this.name = name;
    this.configFile = configFile;
    this.logFile = logFile;
    this.dataDir = dataDir;
    this.hocon = hocon;
    this.jvmFlags = List.copyOf(jvmFlags);
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Launches the JVM and returns at once; see {@link #awaitReady}. */
  public synchronized void start() {
    if (isAlive()) throw new IllegalStateException(name + " is already running");
    try {
      Files.createDirectories(dataDir);
      Files.writeString(configFile, hocon);
      NodeProcess.note(name, logFile, "start");
      logOffset = Files.size(logFile);
      process = new ProcessBuilder(NodeProcess.cfsCommand(jvmFlags, name, "witness", "--config",
          configFile.toString()))
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(logFile.toFile()))
          .start();
      NodeProcess.track(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** Waits for this incarnation's READY line; fails fast if the JVM exits. */
  public void awaitReady(Duration timeout) {
    try {
      await("readiness of " + name).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        Process p;
        synchronized (this) {
          p = process;
        }
        if (!p.isAlive()) throw new AssertionError(name + " exited with code " + p.exitValue() + "; see " + logFile);
        return newOutput().lines().anyMatch(l -> l.startsWith("READY witness="));
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name + " not ready within " + timeout + "; see " + logFile, e);
    }
    NodeProcess.note(name, logFile, "ready");
  }

  public void startAndAwaitReady() {
    start();
    awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT);
  }

  private String newOutput() throws IOException {
    byte[] all = Files.readAllBytes(logFile);
    return all.length <= logOffset ? "" : new String(all, (int) logOffset, all.length - (int) logOffset,
        StandardCharsets.UTF_8);
  }

  /** kill -9: its votes are on disk before they are sent, so a restart keeps them. */
  public synchronized void kill() {
    if (!isAlive()) return;
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + name, e);
    }
    NodeProcess.untrack(process);
    NodeProcess.note(name, logFile, "killed (SIGKILL)");
  }

  @Override
  public void close() {
    kill();
  }

  @Override
  public String toString() {
    return name + (process == null ? " (never started)" : " pid " + process.pid() + (isAlive() ? "" : " (dead)"));
  }
}
