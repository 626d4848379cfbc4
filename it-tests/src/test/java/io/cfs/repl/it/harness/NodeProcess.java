package io.cfs.repl.it.harness;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.it.client.AdminClient;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.persistence.guard.StorageThreads;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One node JVM ({@code Cfs node --config file}) with its whole life: start, readiness, graceful stop (SIGTERM),
 * kill -9, pause / resume (SIGSTOP / SIGCONT) and restart on the same data dir and ports.
 *
 * <p>Every incarnation appends its stdout and stderr to the same log file, after a harness marker line; the harness
 * notes kills, pauses and resumes there too, so the log reads as the node's history. Readiness means: the
 * {@code READY site=..} line printed by this incarnation, {@code GET /ready} answering 200 and
 * {@code GET /journal/heads} answering 200 (a node without its ingest listener never becomes ready).
 *
 * <p>Not thread-safe beyond its synchronized lifecycle methods; a test drives one node from one thread.
 */
public final class NodeProcess implements AutoCloseable {
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // a test JVM killed by a timeout must not leave node JVMs behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "it-node-reaper"));
  }

  private final NodeSpec spec;
  private final AdminClient admin;
  private final IngestClient ingest;
  private Process process;
  private long logOffset;
  private int incarnation;
  private boolean paused;

  public NodeProcess(NodeSpec spec) {
    this.spec = spec;
    this.admin = new AdminClient(spec.name(), spec.adminPort());
    this.ingest = new IngestClient(spec.name(), spec.ingestPort());
  }

  public NodeSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public String site() {
    return spec.site();
  }

  public AdminClient admin() {
    return admin;
  }

  public IngestClient ingest() {
    return ingest;
  }

  public Path logFile() {
    return spec.logFile();
  }

  public synchronized long pid() {
    requireStarted();
    return process.pid();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized boolean isPaused() {
    return paused;
  }

  /** Launches the JVM and returns at once; see {@link #awaitReady}. */
  public synchronized void start() {
    if (isAlive()) throw new IllegalStateException(name() + " is already running (pid " + process.pid() + ")");
    try {
      Files.createDirectories(spec.logFile().getParent());
      Files.createDirectories(spec.dataDir());
      Files.writeString(spec.configFile(), spec.hocon());
      incarnation++;
      List<String> command = cfsCommand(spec.jvmFlags(), name(), "node", "--config", spec.configFile().toString());
      note("start #" + incarnation + ": link " + spec.linkPort() + ", admin " + spec.adminPort() + ", ingest "
          + spec.ingestPort() + ", peers " + spec.peers());
      logOffset = Files.size(spec.logFile());
      process = new ProcessBuilder(command)
          .directory(spec.dataDir().toFile()) // anything the node writes to a relative path stays in its data dir
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(spec.logFile().toFile()))
          .start();
      LIVE.add(process);
      paused = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name(), e);
    }
  }

  /** The command line of a JVM running {@code cfs ARGS} on the nodes' classpath (a node, a witness). */
  static List<String> cfsCommand(List<String> jvmFlags, String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    if (StorageThreads.checking()) {
      // the nodes check the storage-thread rule as the tests' own JVM does
      command.add("-D" + StorageThreads.PROPERTY + "=true");
    }
    command.add("-Dit.node=" + name);
    command.add("-cp");
    command.add(NodeClasspath.get());
    command.add(Cfs.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Kills {@code p} at the latest when the test JVM exits. */
  static void track(Process p) {
    LIVE.add(p);
  }

  static void untrack(Process p) {
    LIVE.remove(p);
  }

  /** Waits for this incarnation's READY line and the readiness endpoints; fails fast if the JVM exits. */
  public void awaitReady(Duration timeout) {
    long t0 = System.nanoTime();
    try {
      await("readiness of " + name()).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(this::readyNow);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name() + " not ready within " + timeout + " (READY line seen: " + readyLineSeen()
          + ", /ready: " + admin.ready() + ", ingest up: " + ingest.up() + "); log "
          + spec.logFile() + " ends with:\n" + tail(40), e);
    }
    note("ready after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
  }

  public void startAndAwaitReady() {
    start();
    awaitReady(DEFAULT_READY_TIMEOUT);
  }

  /** Starts a stopped or killed node again on the same data dir, config and ports, and waits until it is ready. */
  public void restart() {
    startAndAwaitReady();
  }

  private boolean readyNow() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (!p.isAlive()) {
      throw new AssertionError(name() + " exited with code " + p.exitValue() + " before it was ready; log "
          + spec.logFile() + " ends with:\n" + tail(60));
    }
    return readyLineSeen() && admin.ready() && ingest.up();
  }

  private boolean readyLineSeen() {
    return newOutput().lines().anyMatch(l -> l.startsWith("READY site=" + spec.site() + " "));
  }

  /** What this incarnation has logged so far. */
  public String newOutput() {
    try (RandomAccessFile f = new RandomAccessFile(spec.logFile().toFile(), "r")) {
      long length = f.length();
      if (length <= logOffset) return "";
      byte[] bytes = new byte[(int) Math.min(length - logOffset, 64L << 20)];
      f.seek(logOffset);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGTERM, then waits for a clean exit; a node that does not stop in time is killed and the call fails. */
  public synchronized int stop() {
    requireStarted();
    if (!process.isAlive()) return process.exitValue();
    if (paused) resume();
    note("stop (SIGTERM)");
    long t0 = System.nanoTime();
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        note("did not stop within " + STOP_TIMEOUT + "; killed");
        throw new AssertionError(name() + " did not stop within " + STOP_TIMEOUT + " of SIGTERM; log "
            + spec.logFile());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name(), e);
    }
    LIVE.remove(process);
    note("exited with code " + process.exitValue() + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
        + " ms after SIGTERM");
    return process.exitValue();
  }

  /** kill -9: no shutdown hook, no flush; whatever the node had not made durable is lost. */
  public synchronized void kill() {
    requireStarted();
    if (!process.isAlive()) return;
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + name(), e);
    }
    LIVE.remove(process);
    paused = false;
    note("killed (SIGKILL), exit code " + process.exitValue());
  }

  /** SIGSTOP: the JVM freezes with its sockets open (a hung node, a long GC pause). */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
    note("paused (SIGSTOP)");
  }

  /** SIGCONT. */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
    note("resumed (SIGCONT)");
  }

  private void signal(String sig) {
    requireStarted();
    if (!process.isAlive()) throw new IllegalStateException(name() + " is not running");
    try {
      Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true)
          .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed: "
            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Lines of the log file (every incarnation) that contain {@code text}. */
  public List<String> logLines(String text) {
    try (var lines = Files.lines(spec.logFile(), StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(text)).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of("(no log: " + e + ")");
    }
  }

  /** The last lines of the log file. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(spec.logFile(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Appends a harness line to the node's log, and to the test output (lifecycle events are few). */
  public void note(String what) {
    note(name(), spec.logFile(), what);
  }

  static void note(String name, Path logFile, String what) {
    System.out.println("[it] " + LocalTime.now() + " " + name + ": " + what);
    try {
      Files.writeString(logFile, "==== [it-harness " + LocalTime.now() + "] " + name + ": " + what
          + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is a debugging aid; a failing note must not fail the test
    }
  }

  private void requireStarted() {
    if (process == null) throw new IllegalStateException(name() + " was never started");
  }

  /** Kills the node if it still runs (test teardown: fast, and the log already holds what happened). */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      note("killed at teardown");
    }
    if (process != null) LIVE.remove(process);
  }

  @Override
  public String toString() {
    return name() + (process == null ? " (never started)" : " pid " + process.pid() + (isAlive() ? "" : " (dead)"));
  }
}
