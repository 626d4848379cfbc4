package io.cfs.repl.transport.link;

import io.cfs.repl.transport.tls.PeerCertificate;
import java.util.Optional;

/**
 * An open link as its client sees it.
 *
 * @param handshake the server's ack
 * @param connection "mtls" or "plain"
 * @param peerCertificate the certificate the server presented; empty on plain TCP
 */
public record LinkSession(Handshake handshake, String connection, Optional<PeerCertificate> peerCertificate) {
}
