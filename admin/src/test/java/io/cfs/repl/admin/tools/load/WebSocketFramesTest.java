package io.cfs.repl.admin.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.cfs.repl.transport.tls.DevPki;
import io.cfs.repl.transport.tls.HttpsContexts;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load's WebSocket client against a scripted server on a real socket (a test double beside the real node, which
 * {@code LoadCommandTest} and {@code IngestHttpsTest} write through): what the node sends but seldom (fragments, pings,
 * refusals), and what RFC 6455 asks of a client (the upgrade's key, masked frames).
 */
@Timeout(60)
class WebSocketFramesTest {
  private ServerSocket server; // every interface: the TLS test dials 127.0.0.2
  private URI uri;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0);
    uri = URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  @AfterEach
  void close() throws IOException {
    server.close();
  }

  /** The server's side of one connection: the request's header lines, then its frames. */
  private record Peer(Socket socket, List<String> request, DataInputStream in, OutputStream out) {
    /** A frame the client sent: its opcode and unmasked payload; fails the test unless it was masked. */
    Frame frame() throws IOException {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      assertThat(second & 0x80).as("a client's frames are masked").isNotZero();
      long length = second & 0x7F;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = in.readLong();
      byte[] key = in.readNBytes(4);
      byte[] payload = in.readNBytes((int) length);
      for (int i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      return new Frame(first, payload);
    }

    void send(int firstByte, byte[] payload) throws IOException {
      out.write(firstByte);
      out.write(payload.length); // < 126 in these tests
      out.write(payload);
      out.flush();
    }
  }

  private record Frame(int first, byte[] payload) {
  }

  private CompletableFuture<Peer> accept(String status, String body) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Socket socket = server.accept();
        socket.setSoTimeout(20_000); // a client that stops sending fails the test instead of hanging it
        InputStream in = socket.getInputStream();
        List<String> request = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
          if (b == '\n') {
            String header = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            if (header.isEmpty()) break;
            request.add(header);
            line.reset();
          } else {
            line.write(b);
          }
        }
        String key = request.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
            .map(h -> h.substring(h.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        String answer = status.startsWith("101")
            ? "HTTP/1.1 101 Switching Protocols\r\n"
                + (status.equals("101 without upgrade") ? "" : "Upgrade: websocket\r\nConnection: Upgrade\r\n")
                + "Sec-WebSocket-Accept: " + WebSocketFrames.expectedAccept(key) + "\r\n\r\n"
            : "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return new Peer(socket, request, new DataInputStream(in), socket.getOutputStream());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private WebSocketFrames connect(String token) throws IOException {
    return WebSocketFrames.upgrade(WebSocketFrames.open(uri, null), uri, "/journal/stream", token);
  }

  @Test
  void sendsMaskedBinaryFramesAndReassemblesFragmentedTextAnsweringPingsOnTheWay() throws Exception {
    CompletableFuture<Peer> accepted = accept("101", "");
    try (WebSocketFrames client = connect("secret")) {
      Peer peer = accepted.get(10, TimeUnit.SECONDS);
      assertThat(peer.request()).contains("GET /journal/stream HTTP/1.1", "Authorization: Bearer secret",
          "Sec-WebSocket-Version: 13");

      byte[][] sizes = {new byte[3], new byte[200], new byte[70_000]}; // each length encoding, and a tail past 8
      for (byte[] payload : sizes) {
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31 + 7);
        byte[] sent = payload.clone();
        // sent from another thread: a frame larger than the socket's buffers needs its reader running
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
          try {
            client.sendBinary(payload);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        Frame frame = peer.frame();
        sending.get(20, TimeUnit.SECONDS);
        assertThat(frame.first()).isEqualTo(0x82);
        assertThat(frame.payload()).isEqualTo(sent);
      }

      peer.send(0x01, "{\"written\":".getBytes(StandardCharsets.UTF_8)); // text, not final
      peer.send(0x89, new byte[] {1, 2, 3}); // a ping between the fragments, as RFC 6455 allows
      peer.send(0x80, "3}".getBytes(StandardCharsets.UTF_8)); // final continuation
      List<byte[]> pongs = new ArrayList<>();
      WebSocketFrames.Message message = client.receive(payload -> {
        pongs.add(payload);
        client.sendPong(payload);
      });
      assertThat(message).isEqualTo(new WebSocketFrames.Message("{\"written\":3}", false));
      assertThat(pongs).containsExactly(new byte[] {1, 2, 3});
      Frame pong = peer.frame();
      assertThat(pong.first()).isEqualTo(0x8A);
      assertThat(pong.payload()).containsExactly(1, 2, 3);

      byte[] close = {0x03, (byte) 0xE8, 'b', 'y', 'e'}; // 1000 "bye"
      peer.send(0x88, close);
      assertThat(client.receive(payload -> { })).isEqualTo(new WebSocketFrames.Message("1000 bye", true));

      client.sendClose(1000, "done");
      Frame closing = peer.frame();
      assertThat(closing.first()).isEqualTo(0x88);
      assertThat(new String(closing.payload(), 2, closing.payload().length - 2, StandardCharsets.UTF_8))
          .isEqualTo("done");
      peer.socket().close();
    }
  }

  @Test
  void aRefusedUpgradeFailsWithTheNodesStatusAndAnswer() throws Exception {
    CompletableFuture<Peer> accepted = accept("401 Unauthorized", "{\"error\":\"UNAUTHORIZED\"}");
    assertThatThrownBy(() -> connect("wrong")).isInstanceOf(IOException.class)
        .hasMessageContaining("401 Unauthorized").hasMessageContaining("UNAUTHORIZED");
    accepted.get(10, TimeUnit.SECONDS).socket().close();
  }

  /** The node's certificate must name the host the client dialled: a trusted one for another name is refused. */
  @Test
  void overTlsTheCertificateMustNameTheHost(@TempDir Path dir) throws Exception {
    DevPki.SiteFiles tls = DevPki.create("test CA").issue(dir, "site-a"); // names localhost and 127.0.0.1
    SSLContext serverContext = HttpsContexts.server(tls.certificate(), "certificate", tls.privateKey(), "key");
    SSLContext trusting = HttpsContexts.trusting(tls.trustedCa(), "ca");
    try (SSLServerSocket secured = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0)) {
      CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 2; i++) {
          try (SSLSocket socket = (SSLSocket) secured.accept()) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
          } catch (IOException refusedByTheClient) {
            // the second handshake fails: the client refused the name
          }
        }
      });
      int port = secured.getLocalPort();
      try (Socket named = WebSocketFrames.open(URI.create("https://127.0.0.1:" + port), trusting)) {
        assertThat(named).isInstanceOf(SSLSocket.class);
        assertThat(((SSLSocket) named).getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      }
      // 127.0.0.2 is loopback too, and the certificate does not name it
      assertThatThrownBy(() -> WebSocketFrames.open(URI.create("https://127.0.0.2:" + port), trusting))
          .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.2");
    }
  }

  @Test
  void anAnswerThatIsNotAnUpgradeIsRefused() throws Exception {
    CompletableFuture<Peer> ok = accept("200 OK", "{}");
    assertThatThrownBy(() -> connect("")).isInstanceOf(IOException.class).hasMessageContaining("200 OK");
    ok.get(10, TimeUnit.SECONDS).socket().close();
    CompletableFuture<Peer> bare = accept("101 without upgrade", "");
    assertThatThrownBy(() -> connect("")).isInstanceOf(IOException.class).hasMessageContaining("Upgrade: null");
    bare.get(10, TimeUnit.SECONDS).socket().close();
  }

  @Test
  void aFrameOverTheBoundOrOfAnUnexpectedKindFailsTheRead() throws Exception {
    CompletableFuture<Peer> accepted = accept("101", "");
    try (WebSocketFrames client = connect("")) {
      Peer peer = accepted.get(10, TimeUnit.SECONDS);
      peer.send(0x82, new byte[] {1}); // binary: the node answers in text only
      assertThatThrownBy(() -> client.receive(payload -> { })).isInstanceOf(IOException.class)
          .hasMessageContaining("opcode 2");
      peer.out().write(new byte[] {(byte) 0x81, 127, 0, 0, 0, 1, 0, 0, 0, 0}); // a 4 GiB text frame
      peer.out().flush();
      assertThatThrownBy(() -> client.receive(payload -> { })).isInstanceOf(IOException.class)
          .hasMessageContaining("4294967296 bytes");
      peer.socket().close();
    }
  }

  @Test
  void maskingTwiceGivesBackThePayloadAtEveryLength() {
    for (int length = 0; length < 40; length++) {
      byte[] payload = new byte[length];
      for (int i = 0; i < length; i++) payload[i] = (byte) i;
      byte[] original = payload.clone();
      WebSocketFrames.mask(payload, 0x12345678);
      if (length > 0) assertThat(payload).isNotEqualTo(original);
      for (int i = 0; i < length; i++) {
        int keyByte = new int[] {0x12, 0x34, 0x56, 0x78}[i & 3];
        assertThat(payload[i]).isEqualTo((byte) (original[i] ^ keyByte));
      }
      WebSocketFrames.mask(payload, 0x12345678);
      assertThat(Arrays.equals(payload, original)).isTrue();
    }
  }
}
