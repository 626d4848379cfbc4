package io.cfs.repl.transport.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What status shows of the certificate the other end of a link presented.
 *
 * @param subject the subject's distinguished name
 * @param sites the sites its subjectAltName URIs name ({@code cfs-site://...})
 * @param serial the serial number, in hex
 * @param notAfterMillis when it expires
 */
public record PeerCertificate(String subject, List<String> sites, String serial, long notAfterMillis) {
  public PeerCertificate {
    sites = List.copyOf(sites);
  }

  static PeerCertificate of(X509Certificate certificate) {
    return new PeerCertificate(certificate.getSubjectX500Principal().getName(), SiteIdentity.sites(certificate),
        certificate.getSerialNumber().toString(16), certificate.getNotAfter().getTime());
  }

  /** Whether it names {@code site}. */
  public boolean names(String site) {
    return sites.contains(site);
  }
}
