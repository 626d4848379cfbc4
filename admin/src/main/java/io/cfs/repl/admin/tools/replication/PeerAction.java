package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/**
 * An operator's action on one peer: pause or resume of its link, a snapshot resync of it, forgetting its journal's
 * incarnation.
 */
abstract class PeerAction extends AdminCall {
  @Option(names = "--peer", required = true, paramLabel = "SITE", description = "the peer site of the link")
  String peer;

  abstract String action();

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable, IOException {
    AdminClient.Answer answer = post(client,
        "/replication/peers/" + URLEncoder.encode(peer, StandardCharsets.UTF_8) + "/" + action(), "");
    if (!answer.ok()) return refused(answer);
    if (options.json) {
      out().println(answer.body());
    } else {
      print(answer.json());
    }
    return ExitCodes.OK;
  }

  /** The answer for a person: by default, the link's state after the action. */
  void print(JsonNode p) {
    out().printf("%s: %s (health %s)%n", p.path("peer").asText(), p.path("state").asText(),
        p.path("health").asText());
  }
}
