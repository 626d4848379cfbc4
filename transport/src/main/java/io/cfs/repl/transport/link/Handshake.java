package io.cfs.repl.transport.link;

import java.nio.charset.StandardCharsets;

/**
 * What one end of a site link says about itself when the link opens: the hello of a client, or the ack of a server.
 *
 * @param protocolVersion the sender's link protocol version
 * @param fromSite the sending site
 * @param toSite the site the sender believes it is talking to
 */
public record Handshake(int protocolVersion, String fromSite, String toSite) {
  /** Site ids are short names; the bound keeps every handshake frame far below the smallest allowed frame size. */
  public static final int MAX_SITE_BYTES = 255;

  public Handshake {
    requireSite(fromSite, "fromSite");
    requireSite(toSite, "toSite");
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
    return "Handshake{" + fromSite + " -> " + toSite + ", protocol v" + protocolVersion + "}";
  }
}
