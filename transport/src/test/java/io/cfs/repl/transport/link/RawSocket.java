package io.cfs.repl.transport.link;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

/** A plain TCP client that speaks no protocol, to feed a server what a real client never would. */
final class RawSocket {
  private static final int READ_TIMEOUT_MS = 5000;

  private RawSocket() {}

  /** One length-prefixed frame, as the framing layer puts it on the wire. */
  static byte[] framed(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  /** Reads one length-prefixed frame's body. */
  static byte[] readFrame(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] body = new byte[data.readInt()];
    data.readFully(body);
    return body;
  }

  /**
   * Sends the bytes, then reads until the server closes the connection.
   *
   * @return what the server sent before closing (a reset counts as closing)
   * @throws java.net.SocketTimeoutException if the server kept the connection open
   */
  static byte[] exchange(InetSocketAddress server, byte[] bytes) throws IOException {
    try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          received.write(buffer, 0, n);
        }
      } catch (SocketException reset) {
        // closed by the server with a reset instead of a FIN: still closed
      }
      return received.toByteArray();
    }
  }
}
