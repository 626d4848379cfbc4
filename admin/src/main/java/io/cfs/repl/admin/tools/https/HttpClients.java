package io.cfs.repl.admin.tools.https;

import io.cfs.repl.transport.tls.HttpsContexts;
import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * HTTP clients of the tools, for http:// and https:// URLs alike. With {@code --cacert FILE} an https server's
 * certificate must chain to a CA of FILE (the node's trusted-ca, or the dev PKI's ca.crt); without it, to one the JDK
 * trusts. The host name is verified against the certificate as usual.
 */
public final class HttpClients {
  /** The option's name, for errors about its file. */
  public static final String CACERT = "--cacert";

  private HttpClients() {
  }

  /** A builder trusting the CAs of {@code cacert}, or the JDK's when it is null. */
  public static HttpClient.Builder builder(Path cacert) {
    HttpClient.Builder builder = HttpClient.newBuilder();
    return cacert == null ? builder : builder.sslContext(HttpsContexts.trusting(cacert, CACERT));
  }
}
