package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication sync [--force]}. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = {"Reconnect links waiting in backoff now. With --force, also retry links and shards stopped on an"
        + " error and re-establish connected links from their persisted cursors. Paused links stay paused."
        + " Needs the token."})
final class SyncCommand extends AdminCall {
  @Option(names = "--force", description = "retry stopped links/shards and restart connected links")
  boolean force;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable, IOException {
    AdminClient.Answer answer = post(client, "/replication/sync", "{\"force\":" + force + "}");
    if (!answer.ok()) return refused(answer);
    if (options.json) {
      out().println(answer.body());
    } else {
      JsonNode sync = answer.json();
      out().printf("site %s: sync%s%n", sync.path("site").asText(), force ? " --force" : "");
      Table table = new Table("PEER", "ACTION", "STATE");
      for (JsonNode p : sync.path("peers")) {
        table.row(p.path("peer").asText(), p.path("action").asText(), p.path("state").asText());
      }
      table.print(out());
    }
    return ExitCodes.OK;
  }
}
