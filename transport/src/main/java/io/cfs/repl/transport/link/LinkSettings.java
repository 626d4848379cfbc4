package io.cfs.repl.transport.link;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cfs.repl.transport.tls.TlsSettings;
import java.time.Duration;

/**
 * Settings of every site link on this node, read once from {@code cfs-repl.transport} (documented key by key in this
 * module's {@code reference.conf}). The compact constructor validates, so settings built in code are checked too.
 *
 * @param protocolVersion the link protocol this node speaks; both ends of a link must be equal
 * @param maxFrameBytes the largest frame payload, before compression, that may be sent or received
 * @param compressionThresholdBytes frames of at least this many bytes are LZ4-compressed when that makes them smaller
 * @param connectTimeout how long a client waits for the TCP connection to be established
 * @param handshakeTimeout how long the server waits for the hello, and the client (after connecting) for the ack
 * @param idleTimeout a link with no frame in either direction for this long is failed
 * @param tcpNoDelay whether Nagle's algorithm is switched off on link sockets
 * @param tls how links are secured ({@code cfs-repl.transport.tls})
 */
public record LinkSettings(
    int protocolVersion,
    int maxFrameBytes,
    int compressionThresholdBytes,
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration idleTimeout,
    boolean tcpNoDelay,
    TlsSettings tls) {

  private static final String PREFIX = "cfs-repl.transport.";
  /** Smallest allowed max-frame-bytes: a handshake frame with long site names and a reject message must fit. */
  static final int MIN_FRAME_BYTES = 4096;
  /** Largest allowed max-frame-bytes: keeps header arithmetic and LZ4 buffers well inside int range. */
  static final int MAX_FRAME_BYTES = 1 << 30;

  public LinkSettings {
    require(protocolVersion >= 1, "protocol-version", "must be at least 1", protocolVersion);
    require(maxFrameBytes >= MIN_FRAME_BYTES && maxFrameBytes <= MAX_FRAME_BYTES, "max-frame-bytes",
        "must be between " + MIN_FRAME_BYTES + " and " + MAX_FRAME_BYTES + " bytes", maxFrameBytes);
    require(compressionThresholdBytes >= 0, "compression-threshold", "must not be negative",
        compressionThresholdBytes);
    requirePositive(connectTimeout, "connect-timeout");
    requirePositive(handshakeTimeout, "handshake-timeout");
    requirePositive(idleTimeout, "idle-timeout");
    if (tls == null) throw new IllegalArgumentException(PREFIX + "tls must be set");
  }

  /** Reads and validates {@code cfs-repl.transport} from the root config; errors name the offending key. */
  public static LinkSettings create(Config root) {
    try {
      return new LinkSettings(
          root.getInt(PREFIX + "protocol-version"),
          bytesAsInt(root, "max-frame-bytes"),
          bytesAsInt(root, "compression-threshold"),
          root.getDuration(PREFIX + "connect-timeout"),
          root.getDuration(PREFIX + "handshake-timeout"),
          root.getDuration(PREFIX + "idle-timeout"),
          root.getBoolean(PREFIX + "tcp-no-delay"),
          TlsSettings.create(root));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid transport setting: " + e.getMessage(), e);
    }
  }

  private static int bytesAsInt(Config root, String key) {
    long bytes = root.getBytes(PREFIX + key);
    require(bytes <= Integer.MAX_VALUE, key, "must fit in an int", bytes);
    return (int) bytes;
  }

  private static void requirePositive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(PREFIX + key + " must be a positive duration, was " + value);
    }
  }

  private static void require(boolean condition, String key, String rule, long actual) {
    if (!condition) {
      throw new IllegalArgumentException(PREFIX + key + " " + rule + ", was " + actual);
    }
  }
}
