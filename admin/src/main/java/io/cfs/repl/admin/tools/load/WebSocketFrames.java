package io.cfs.repl.admin.tools.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The client side of a WebSocket (RFC 6455) over a blocking socket: the HTTP upgrade, binary messages out (masked, as
 * a client's must be), text messages in (reassembled from continuation frames), pings answered, a close in either
 * direction. One thread writes and one reads; the caller keeps writes from overlapping.
 */
final class WebSocketFrames implements AutoCloseable {
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  /** The largest answer accepted: the node's answers are a few hundred bytes of JSON. */
  private static final int MAX_MESSAGE_BYTES = 1 << 20;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A whole message read: a text, or the close the node sent (its status and reason as the text). */
  record Message(String text, boolean closed) {
  }

  /** Answers a ping the node sent; called on the reading thread. */
  @FunctionalInterface
  interface Pinged {
    void pong(byte[] payload) throws IOException;
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  /**
   * Mask keys: RFC 6455 asks for unpredictable ones, to keep a script's chosen bytes from being read as another
   * protocol by a proxy on the way; a batch's bytes are the load's own, so a seeded generator serves.
   */
  private final SplittableRandom masks = new SplittableRandom(new SecureRandom().nextLong());

  private WebSocketFrames(Socket socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = new DataInputStream(in);
    this.out = out;
  }

  /** A connected socket to the node of {@code uri}: TLS for https (the host name verified), plain for http. */
  static Socket open(URI uri, SSLContext tls) throws IOException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
      plain.setTcpNoDelay(true); // one write per batch: nothing to coalesce, and Nagle would hold back its last segment
      // a listener that accepts and never answers must not hang the handshake or the upgrade; cleared after them
      plain.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
      if (!https) return plain;
      SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(plain, uri.getHost(), port, true);
      SSLParameters parameters = secured.getSSLParameters(); // SNI is set from the host already
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secured.setSSLParameters(parameters);
      secured.startHandshake();
      return secured;
    } catch (IOException | RuntimeException e) {
      plain.close(); // closes the TLS layer over it too
      throw e;
    }
  }

  /**
   * Upgrades {@code socket} to a WebSocket on {@code path}; fails with the node's status and answer if it refuses
   * (a wrong token: 401), and closes the socket then.
   */
  static WebSocketFrames upgrade(Socket socket, URI uri, String path, String token) throws IOException {
    try {
      byte[] nonce = new byte[16];
      new SecureRandom().nextBytes(nonce);
      String key = Base64.getEncoder().encodeToString(nonce);
      StringBuilder request = new StringBuilder()
          .append("GET ").append(path).append(" HTTP/1.1\r\n")
          .append("Host: ").append(uri.getAuthority()).append("\r\n")
          .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
          .append("Sec-WebSocket-Key: ").append(key).append("\r\nSec-WebSocket-Version: 13\r\n");
      if (!token.isEmpty()) request.append("Authorization: Bearer ").append(token).append("\r\n");
      // a batch's frame fits (about 125 KB for 500 entries): header and payload leave in one write
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 20);
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      String status = line(in);
      String accept = null;
      String upgrade = null;
      String connection = null;
      int contentLength = 0;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        if (colon < 0) continue;
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        if (name.equals("sec-websocket-accept")) accept = value;
        if (name.equals("upgrade")) upgrade = value;
        if (name.equals("connection")) connection = value;
        if (name.equals("content-length")) contentLength = Integer.parseInt(value);
      }
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[1].equals("101")) {
        byte[] body = in.readNBytes(Math.min(contentLength, MAX_MESSAGE_BYTES));
        throw new IOException("the node refused the WebSocket upgrade of " + path + ": " + status + " "
            + new String(body, StandardCharsets.UTF_8));
      }
      if (!expectedAccept(key).equals(accept) || !"websocket".equalsIgnoreCase(upgrade)
          || connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
        throw new IOException("the node's answer to the WebSocket upgrade of " + path + " is not one (Upgrade: "
            + upgrade + ", Connection: " + connection + ", Sec-WebSocket-Accept: " + accept + ")");
      }
      socket.setSoTimeout(0); // answers come when batches are durable: however long that takes
      return new WebSocketFrames(socket, in, out);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  static String expectedAccept(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new EOFException("the node closed the connection during the WebSocket upgrade");
      if (b != '\r') line.append((char) b);
      if (line.length() > 8192) throw new IOException("an over-long header line in the WebSocket upgrade");
    }
    return line.toString();
  }

  /** One binary message of one frame. Masks {@code payload} in place: the caller hands it over. */
  void sendBinary(byte[] payload) throws IOException {
    send(OP_BINARY, payload);
  }

  void sendPong(byte[] payload) throws IOException {
    send(OP_PONG, payload.clone());
  }

  void sendClose(int status, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (status >> 8);
    payload[1] = (byte) status;
    System.arraycopy(text, 0, payload, 2, text.length);
    send(OP_CLOSE, payload);
  }

  private void send(int opcode, byte[] payload) throws IOException {
    int length = payload.length;
    byte[] header = new byte[14];
    int at = 0;
    header[at++] = (byte) (0x80 | opcode); // FIN: every message is one frame
    if (length < 126) {
      header[at++] = (byte) (0x80 | length);
    } else if (length < 1 << 16) {
      header[at++] = (byte) (0x80 | 126);
      header[at++] = (byte) (length >> 8);
      header[at++] = (byte) length;
    } else {
      header[at++] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) header[at++] = (byte) ((long) length >> shift);
    }
    int mask = masks.nextInt();
    for (int shift = 24; shift >= 0; shift -= 8) header[at++] = (byte) (mask >> shift);
    mask(payload, mask);
    out.write(header, 0, at);
    out.write(payload, 0, length);
    out.flush();
  }

  /** XORs the payload with the mask key repeated, a long at a time. */
  static void mask(byte[] payload, int mask) {
    long key = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = 0;
    for (; i + Long.BYTES <= payload.length; i += Long.BYTES) {
      LONGS.set(payload, i, (long) LONGS.get(payload, i) ^ key);
    }
    for (; i < payload.length; i++) payload[i] ^= (byte) (mask >>> (24 - 8 * (i & 3)));
  }

  /** The next whole text message or close; pings are answered on the way. Binary messages are not expected. */
  Message receive(Pinged pinged) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    boolean inText = false;
    while (true) {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      boolean fin = (first & 0x80) != 0;
      int opcode = first & 0x0F;
      long length = second & 0x7F;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = in.readLong();
      if (length < 0 || length > MAX_MESSAGE_BYTES) {
        throw new IOException("the node sent a WebSocket frame of " + length + " bytes (at most " + MAX_MESSAGE_BYTES
            + " expected)");
      }
      int key = (second & 0x80) != 0 ? in.readInt() : 0; // a server must not mask; unmask if it did
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      if (key != 0) mask(payload, key);
      switch (opcode) {
        case OP_PING -> pinged.pong(payload);
        case OP_PONG -> { }
        case OP_CLOSE -> {
          int status = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
          String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
          return new Message(status + (reason.isEmpty() ? "" : " " + reason), true);
        }
        case OP_TEXT, OP_CONTINUATION -> {
          if ((opcode == OP_TEXT) == inText) {
            throw new IOException("the node sent a WebSocket " + (inText ? "text frame inside a message"
                : "continuation frame outside a message"));
          }
          if (text.size() + payload.length > MAX_MESSAGE_BYTES) {
            throw new IOException("the node sent a WebSocket message over " + MAX_MESSAGE_BYTES + " bytes");
          }
          text.write(payload);
          inText = !fin;
          if (fin) return new Message(text.toString(StandardCharsets.UTF_8), false);
        }
        default -> throw new IOException("the node sent an unexpected WebSocket frame (opcode " + opcode + ")");
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing: nothing more to do with it
    }
  }
}
