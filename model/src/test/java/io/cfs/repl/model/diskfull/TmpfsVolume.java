package io.cfs.repl.model.diskfull;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A small tmpfs mounted at a fresh directory for the tests of one class, for tests of every module that must run out
 * of space for real: register it with {@code @RegisterExtension static final TmpfsVolume VOLUME = new
 * TmpfsVolume(64)}; it mounts before the class's tests and unmounts after them. Mounting needs root: without it (or
 * without {@code mount}) the class's tests are skipped with the reason, never failed. CI runs as root.
 */
public final class TmpfsVolume implements BeforeAllCallback, AfterAllCallback {
  private final int megabytes;
  private Path mountPoint;

  public TmpfsVolume(int megabytes) {
    this.megabytes = megabytes;
  }

  /** Mounts the tmpfs, or skips the class's tests (JUnit assumption) if this process cannot. */
  @Override
  public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "disk-full tests mount a tmpfs and need root (CI runs as root); running as " + System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("cfs-diskfull-");
    String output = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
    boolean mounted = output == null;
    if (!mounted) Files.deleteIfExists(dir);
    assumeTrue(mounted, "cannot mount a tmpfs at " + dir + ": " + output);
    mountPoint = dir;
  }

  public Path root() {
    return mountPoint;
  }

  /** Writes a filler file until the volume refuses with ENOSPC; returns the bytes written. */
  public long fill() throws IOException {
    return fill(false);
  }

  /**
   * Grows the filler file until the volume refuses again: RocksDB deletes the partial files of a write the full volume
   * refused, so the volume has room again right after a refusal. Returns the bytes written.
   */
  public long topUp() throws IOException {
    return fill(true);
  }

  private long fill(boolean append) throws IOException {
    byte[] chunk = new byte[4 << 10];
    long written = 0;
    try (OutputStream out = append ? Files.newOutputStream(filler(), StandardOpenOption.APPEND)
        : Files.newOutputStream(filler())) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) throw full;
      return written;
    }
  }

  /** Deletes the filler file: the space it held is free again. */
  public void free() throws IOException {
    Files.deleteIfExists(filler());
  }

  private Path filler() {
    return mountPoint.resolve("filler");
  }

  /** Unmounts the tmpfs (lazily, so a still-open file cannot keep it mounted) and removes the mount point. */
  @Override
  public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
    if (mountPoint == null) return;
    String output = run(List.of("umount", "-l", mountPoint.toString()));
    if (output != null) throw new IOException("cannot unmount " + mountPoint + ": " + output);
    Files.deleteIfExists(mountPoint);
  }

  /** Runs a command; null if it exited 0, else what it printed. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException notFound) {
      return notFound.getMessage();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return String.join(" ", command) + " did not finish within 30 s";
    }
    return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
  }
}
