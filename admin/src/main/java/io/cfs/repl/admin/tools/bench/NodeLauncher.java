package io.cfs.repl.admin.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cfs.repl.admin.cli.Cfs;
import io.cfs.repl.engine.node.LoopbackSites;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts {@code cfs} sub-commands as JVMs of their own on this host (nodes, a load process), with this JVM's class
 * path, and talks to a node's admin HTTP. Each process writes its output to a log file; all are killed when this JVM
 * exits, however it exits.
 */
final class NodeLauncher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread reaper = new Thread(this::killAll, "bench-reaper");

  NodeLauncher() {
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Ports of one node on loopback. */
  record Ports(int link, int admin, int ingest) {
    static Ports free() throws IOException {
      return new Ports(freePort(), freePort(), freePort());
    }
  }

  /** The HOCON of node {@code site} with embedded storage in {@code dataDir}, peers reached at their link ports. */
  static String nodeConfig(String site, Path dataDir, Ports ports, Map<String, Ports> peers, String extra) {
    String peerBlock = peers.entrySet().stream()
        .map(p -> "    \"" + p.getKey() + "\" { addresses = [\"127.0.0.1:" + p.getValue().link() + "\"] }")
        .collect(Collectors.joining("\n"));
    return "cfs-repl.node {\n"
        + "  site-id = \"" + site + "\"\n"
        + "  data-dir = \"" + dataDir.toAbsolutePath() + "\"\n"
        + "  link { host = \"127.0.0.1\", port = " + ports.link() + " }\n"
        + "  peers {\n" + peerBlock + "\n  }\n"
        + "}\n"
        + "cfs-repl.ingest.port = " + ports.ingest() + "\n"
        + "pekko.management.http.port = " + ports.admin() + "\n"
        + "cfs-repl.metrics.prometheus.port = 0\n"
        + "cfs-repl.admin.token = \"bench\"\n"
        // plain TCP on purpose: the peers' baselines in docs/benchmarks.md run without TLS
        + "cfs-repl.transport.tls.insecure = true\n"
        + extra + "\n";
  }

  /** Starts {@code cfs args...} in a JVM with {@code jvmFlags}, its output appended to {@code log}. */
  Process start(List<String> jvmFlags, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Cfs.class.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(log.toFile())).start();
    started.add(process);
    return process;
  }

  /** GET {@code path} on the admin port, as JSON. */
  JsonNode get(int adminPort, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** POST with the bench's admin token. */
  JsonNode post(int adminPort, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .header("Authorization", "Bearer bench").POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** Until every link of the node on {@code adminPort} is CONNECTED (the bench measures replication, not startup). */
  void awaitConnected(Process node, int adminPort, Path log, Duration timeout) throws Exception {
    await(node, log, timeout, "links not up", () -> connected(adminPort));
  }

  /** Until the node's ingest listener on {@code port} takes connections, whether its peers are up or not. */
  void awaitListening(Process node, int port, Path log, Duration timeout) throws Exception {
    await(node, log, timeout, "ingest not listening", () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  /** True when every link of the node on {@code adminPort} is CONNECTED; false while it does not answer. */
  boolean connected(int adminPort) throws InterruptedException {
    try {
      JsonNode peers = get(adminPort, "/replication/status").path("peers");
      boolean connected = peers.size() > 0;
      for (JsonNode p : peers) connected &= p.path("state").asText().equals("CONNECTED");
      return connected;
    } catch (IOException notYet) {
      return false;
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Process node, Path log, Duration timeout, String what, Condition done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.holds()) {
      if (!node.isAlive()) throw new IllegalStateException("node exited with " + node.exitValue() + ", see " + log);
      if (System.nanoTime() > deadline) throw new IllegalStateException(what + " within " + timeout + ", see " + log);
      TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
    }
  }

  private void killAll() {
    for (Process p : started) p.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) p.destroy(); // SIGTERM: nodes stop cleanly
    for (Process p : started) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
    Runtime.getRuntime().removeShutdownHook(reaper);
  }

  private static int freePort() {
    return LoopbackSites.freePort();
  }
}
