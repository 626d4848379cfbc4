package io.cfs.repl.admin.tools.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy itself, in front of an echo server. */
@Timeout(60)
class FaultProxyTest {
  private ServerSocket echoServer;
  private Thread echoAccept;
  private FaultProxy proxy;

  @BeforeEach
  void startEcho() throws IOException {
    echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoAccept = new Thread(() -> {
      while (!echoServer.isClosed()) {
        try {
          Socket s = echoServer.accept();
          Thread echo = new Thread(() -> echo(s), "echo");
          echo.setDaemon(true);
          echo.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "echo-accept");
    echoAccept.setDaemon(true);
    echoAccept.start();
    proxy = FaultProxy.start("test", echoServer.getLocalPort(), 42);
  }

  @AfterEach
  void stop() throws IOException, InterruptedException {
    proxy.close();
    stopEcho();
  }

  /**
   * Closes the echo server for good. Closing a ServerSocket while a thread blocks in accept() defers the close of its
   * listening socket until that thread has left accept, and connections made meanwhile are still accepted (JDK 17:
   * 1,831 of 3,000 tries connected right after close() returned); once the accept thread has ended, none is.
   */
  private void stopEcho() throws IOException, InterruptedException {
    echoServer.close();
    echoAccept.join(10_000);
  }

  private static void echo(Socket s) {
    try (s) {
      s.getInputStream().transferTo(s.getOutputStream());
    } catch (IOException e) {
      // client went away
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(5_000);
    return s;
  }

  private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(data);
    out.flush();
    byte[] back = new byte[data.length];
    new DataInputStream(s.getInputStream()).readFully(back);
    return back;
  }

  /** True when the connection is closed or reset by the proxy: read ends or fails. */
  private static boolean broken(Socket s) {
    try {
      s.getOutputStream().write(1);
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void forwardsBothWaysAndCountsBytes() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello".getBytes(StandardCharsets.UTF_8))).asString(StandardCharsets.UTF_8)
          .isEqualTo("hello");
      byte[] big = new byte[300_000];
      new Random(1).nextBytes(big);
      assertThat(roundTrip(s, big)).isEqualTo(big);
    }
    assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    // a writer thread counts its bytes right after the write the client may already have read
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(proxy.bytesUpstream()).isEqualTo(300_005);
      assertThat(proxy.bytesDownstream()).isEqualTo(300_005);
    });
  }

  @Test
  void cutClosesOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
    Socket open = connect();
    assertThat(roundTrip(open, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);

    proxy.cut();
    await().atMost(Duration.ofSeconds(5)).until(() -> broken(open));
    try (Socket refused = connect()) {
      assertThatThrownBy(() -> roundTrip(refused, new byte[] {4})).isInstanceOf(IOException.class);
    }

    proxy.heal();
    try (Socket healed = connect()) {
      assertThat(roundTrip(healed, new byte[] {5, 6})).containsExactly(5, 6);
    }
    open.close();
  }

  @Test
  void blackholeFreezesOpenConnectionsAndHealResumesThem() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {1})).containsExactly(1);
      proxy.cut(FaultProxy.CutMode.BLACKHOLE);
      s.getOutputStream().write(new byte[] {7, 8, 9});
      s.setSoTimeout(500);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

      proxy.heal();
      s.setSoTimeout(5_000);
      byte[] back = new byte[3];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertThat(back).containsExactly(7, 8, 9);
    }
  }

  @Test
  void blackholeHidesACloseOfTheOtherEndUntilHealed() throws IOException, InterruptedException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {1})).containsExactly(1);
      proxy.cut(FaultProxy.CutMode.BLACKHOLE);
      stopEcho(); // no new connections to the echo server from here on
      s.shutdownOutput(); // the echo side ends its copy loop and closes, behind the blackhole
      s.setSoTimeout(1_000);
      assertThatThrownBy(() -> s.getInputStream().read()).as("the close is not seen through the blackhole")
          .isInstanceOf(SocketTimeoutException.class);
      proxy.heal();
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).as("after the heal the close arrives").isEqualTo(-1);
    }
  }

  @Test
  void delayAddsLatencyInEachDirection() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, new byte[] {0}); // connection set up before timing
      proxy.delay(Duration.ofMillis(150));
      long t0 = System.nanoTime();
      roundTrip(s, new byte[] {1});
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).as("round trip with 150 ms each way").isGreaterThanOrEqualTo(290);
      proxy.delay(Duration.ZERO);
      t0 = System.nanoTime();
      roundTrip(s, new byte[] {2});
      assertThat((System.nanoTime() - t0) / 1_000_000).as("round trip once the delay is lifted").isLessThan(ms);
    }
  }

  /** A link 50 ms away at 50K entries/s of 250 bytes carries 12.5 MB/s: the delay queue must hold 625 KB. */
  @Test
  void delayDoesNotCapThroughput() throws Exception {
    proxy.delay(Duration.ofMillis(50));
    byte[] data = new byte[25_000_000]; // two seconds' worth at 12.5 MB/s
    new Random(3).nextBytes(data);
    try (Socket s = connect()) {
      long t0 = System.nanoTime();
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(data);
        } catch (IOException e) {
          // the read below fails too
        }
      }, "bulk-writer");
      writer.start();
      byte[] back = new byte[data.length];
      new DataInputStream(s.getInputStream()).readFully(back);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      writer.join();
      assertThat(back).isEqualTo(data);
      assertThat(ms).as("25 MB each way at 50 ms one-way delay, faster than 12.5 MB/s").isLessThan(2_000);
    }
  }

  @Test
  void throttleCapsBandwidth() throws IOException {
    proxy.throttle(100_000);
    byte[] data = new byte[200_000];
    new Random(2).nextBytes(data);
    try (Socket s = connect()) {
      s.setSoTimeout(20_000);
      long t0 = System.nanoTime();
      byte[] back = roundTrip(s, data);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(back).isEqualTo(data);
      assertThat(ms).as("200 KB through 100 KB/s").isBetween(1_700L, 10_000L);
    }
  }

  @Test
  void dropsTheGivenFractionOfConnections() throws IOException {
    proxy.dropConnections(1.0);
    try (Socket s = connect()) {
      assertThatThrownBy(() -> roundTrip(s, new byte[] {1})).isInstanceOf(IOException.class);
    }
    proxy.dropConnections(0.5);
    int ok = 0;
    for (int i = 0; i < 40; i++) {
      try (Socket s = connect()) {
        if (Arrays.equals(roundTrip(s, new byte[] {9}), new byte[] {9})) ok++;
      } catch (IOException e) {
        // dropped
      }
    }
    assertThat(ok).isBetween(8, 32);
    assertThat(proxy.connectionsDropped()).isEqualTo(1 + 40 - ok);
    proxy.dropConnections(0);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {3})).containsExactly(3);
    }
  }

  @Test
  void targetDownLooksLikeARefusedConnection() throws IOException, InterruptedException {
    stopEcho();
    try (Socket s = connect()) {
      InputStream in = s.getInputStream();
      assertThatThrownBy(() -> {
        s.getOutputStream().write(1);
        if (in.read() < 0) throw new IOException("closed");
      }).isInstanceOf(IOException.class);
    }
  }
}
