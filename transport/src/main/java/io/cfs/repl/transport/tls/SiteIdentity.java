package io.cfs.repl.transport.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A site's identity in a certificate: a subjectAltName URI {@code cfs-site://<site id>}.
 *
 * <p>Why not the host name: peers are dialled at addresses from configuration (IPs, load-balancer names, any node of
 * the peer site), which change without the site changing, and a certificate valid for a host says nothing about which
 * site answers there. What a link must not confuse is the site, so the site is what the certificate names and what
 * both ends check against the hello; host-name verification is left off.
 */
public final class SiteIdentity {
  /** The scheme and separator of a site URI. */
  public static final String URI_PREFIX = "cfs-site://";
  private static final int SAN_URI = 6;

  private SiteIdentity() {}

  /** The SAN URI that names {@code site}. */
  public static String uri(String site) {
    return URI_PREFIX + site;
  }

  /** The sites {@code certificate} names, in its SAN order; empty when it names none. */
  public static List<String> sites(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> sites = new ArrayList<>();
    if (names == null) return sites;
    for (List<?> name : names) {
      if (((Integer) name.get(0)) == SAN_URI && name.get(1) instanceof String uri && uri.startsWith(URI_PREFIX)) {
        sites.add(uri.substring(URI_PREFIX.length()));
      }
    }
    return List.copyOf(sites);
  }
}
