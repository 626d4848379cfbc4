package io.cfs.repl.transport.link;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * What one end of a site link says about itself when the link opens: the hello of a client, or the ack of a server.
 *
 * @param protocolVersion the sender's link protocol version
 * @param fromSite the sending site
 * @param toSite the site the sender believes it is talking to
 * @param channel what the link carries: a client says it in its hello; a server's ack is of the hello's channel
 * @param incarnation the incarnation of the sender's journal, in a data hello (from protocol v2 on) and in a resync
 *     hello: the receiver tells by it whether the seqs it applied from this site are of the history the sender ships
 *     now; empty in acks, in hellos of other channels and in hellos of the old layout
 */
public record Handshake(int protocolVersion, String fromSite, String toSite, Channel channel,
                        Optional<UUID> incarnation) {
  /**
   * The conversations between sites. Each has connections of its own, so that failover messages never wait behind
   * a batch and a slow apply never delays a heartbeat; all go to the same port, so a cut between two sites cuts all.
   */
  public enum Channel {
    /** Journal batches one way, acknowledgements the other. */
    DATA,
    /** Failover messages (heartbeats, votes), one way: each side has its own connection to the other. */
    CONTROL,
    /** An operator's verify-and-repair: the dialling site's requests, the other site's answers. */
    VERIFY,
    /**
     * A snapshot resync: the dialling site's store in chunks one way, acknowledgements the other. Its hello names the
     * dialler's journal incarnation, as a data hello does: the snapshot carries that history's watermarks.
     */
    RESYNC;

    /** Whether a hello of this channel names the sender's journal incarnation. */
    public boolean carriesHistory() {
      return this == DATA || this == RESYNC;
    }
  }

  /** Site ids are short names; the bound keeps every handshake frame far below the smallest allowed frame size. */
  public static final int MAX_SITE_BYTES = 255;

  public Handshake {
    if (channel == null) throw new IllegalArgumentException("channel must not be null");
    if (incarnation == null) throw new IllegalArgumentException("incarnation must not be null (empty for none)");
    requireSite(fromSite, "fromSite");
    requireSite(toSite, "toSite");
  }

  /** A handshake of {@code channel} that names no journal incarnation. */
  public Handshake(int protocolVersion, String fromSite, String toSite, Channel channel) {
    this(protocolVersion, fromSite, toSite, channel, Optional.empty());
  }

  /** A handshake of the data channel that names no journal incarnation. */
  public Handshake(int protocolVersion, String fromSite, String toSite) {
    this(protocolVersion, fromSite, toSite, Channel.DATA);
  }

  private static void requireSite(String site, String what) {
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (site.getBytes(StandardCharsets.UTF_8).length > MAX_SITE_BYTES) {
      throw new IllegalArgumentException(what + " must be at most " + MAX_SITE_BYTES + " UTF-8 bytes: " + site);
    }
  }

  @Override
  public String toString() {
    return "Handshake{" + fromSite + " -> " + toSite + ", " + channel + ", protocol v" + protocolVersion
        + incarnation.map(id -> ", incarnation " + id).orElse("") + "}";
  }
}
