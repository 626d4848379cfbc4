package io.cfs.repl.admin.server.https;

import com.typesafe.config.Config;
import io.cfs.repl.transport.tls.HttpsContexts;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The {@code https} block of an HTTP listener ({@code cfs-repl.ingest.https}, {@code cfs-repl.admin.https}): off, or
 * the PEM files it serves HTTPS with, by default those of the site links ({@code cfs-repl.transport.tls}).
 *
 * @param certificate the certificate file when HTTPS is on; empty when off
 * @param privateKey its key file when HTTPS is on; empty when off
 * @param path the listener's config path, named in errors
 */
public record HttpsSettings(Optional<Path> certificate, Optional<Path> privateKey, String path) {
  private static final String LINK_TLS = "cfs-repl.transport.tls.";

  public HttpsSettings {
    if (certificate.isPresent() != privateKey.isPresent()) {
      throw new IllegalArgumentException(path + ".https needs both a certificate and a private-key");
    }
  }

  /** Plain HTTP. */
  public static HttpsSettings off(String path) {
    return new HttpsSettings(Optional.empty(), Optional.empty(), path);
  }

  /**
   * Reads {@code path.https}. When it is on, the files must exist and belong together (checked now, so a node refuses
   * to start rather than serving without them).
   */
  public static HttpsSettings create(Config root, String path) {
    Config c = root.getConfig(path + ".https");
    if (!c.getBoolean("enabled")) return off(path);
    String certificate = file(root, c, "certificate", path);
    String key = file(root, c, "private-key", path);
    HttpsSettings settings = new HttpsSettings(Optional.of(Path.of(certificate)), Optional.of(Path.of(key)), path);
    settings.context();
    return settings;
  }

  public boolean enabled() {
    return certificate.isPresent();
  }

  /** The server context of the listener; only when {@link #enabled()}. */
  public HttpsConnectionContext context() {
    return ConnectionContext.httpsServer(HttpsContexts.server(certificate.orElseThrow(), path + ".https.certificate",
        privateKey.orElseThrow(), path + ".https.private-key"));
  }

  /** Pekko Management's routes, serving HTTPS when on (the admin endpoint). */
  public ManagementRouteProviderSettings applyTo(ManagementRouteProviderSettings routes) {
    return enabled() ? routes.withHttpsConnectionContext(context()) : routes;
  }

  /** "https" or "http": the scheme of the listener's URLs. */
  public String scheme() {
    return enabled() ? "https" : "http";
  }

  private static String file(Config root, Config https, String key, String path) {
    String own = https.getString(key);
    if (!own.isBlank()) return own;
    String links = root.hasPath(LINK_TLS + key) ? root.getString(LINK_TLS + key) : "";
    if (links.isBlank()) {
      throw new IllegalArgumentException(path + ".https.enabled = on needs " + path + ".https." + key + " or "
          + LINK_TLS + key);
    }
    return links;
  }
}
