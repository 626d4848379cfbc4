package io.cfs.repl.admin.tools.replication;

import io.cfs.repl.admin.tools.https.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code cfs admin replication} subcommand takes. */
final class AdminOptions {
  static final String TOKEN_ENV = "CFS_ADMIN_TOKEN";

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8558",
      description = "the node's admin URL (default: ${DEFAULT-VALUE})")
  URI url;

  @Option(names = HttpClients.CACERT, paramLabel = "FILE",
      description = "PEM file of the CA an https node's certificate must chain to (default: the JDK's CAs)")
  Path cacert;

  @Option(names = "--json", description = "print the node's JSON answer instead of a table")
  boolean json;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "file holding the bearer token for mutating commands (default: the " + TOKEN_ENV
          + " environment variable)")
  Path tokenFile;

  /** The token from the file if given, else from the environment; null when neither has one. */
  String token() throws IOException {
    if (tokenFile != null) {
      String token = Files.readString(tokenFile).trim();
      return token.isEmpty() ? null : token;
    }
    String env = System.getenv(TOKEN_ENV);
    return env == null || env.isBlank() ? null : env.trim();
  }
}
