package io.cfs.repl.admin.tools.replication;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication failover --to SITE [--force]}. */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = {"Move the primary role to SITE (active-passive mode). Planned (send it to the current primary):"
        + " writes stop, the primary drains until SITE holds every entry, then hands over; nothing is lost. Forced"
        + " (--force, send it to SITE itself): SITE runs for the next epoch at once, without the drain; entries the"
        + " old primary wrote that SITE had not received come back when the old primary returns and are reconciled"
        + " by LWW (see the audit trail). Either way SITE needs the votes of a majority. Needs the token."})
final class FailoverCommand extends AdminCall {
  @Option(names = "--to", required = true, paramLabel = "SITE", description = "the site to promote")
  String to;

  @Option(names = "--force", description = "promote without draining (the primary is down or cannot drain)")
  boolean force;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable, IOException {
    String body = "{\"to\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(to) + ",\"force\":" + force + "}";
    AdminClient.Answer answer = post(client, "/replication/failover", body);
    if (!answer.ok()) return refused(answer);
    if (options.json) {
      out().println(answer.body());
    } else {
      out().printf("site %s: %s%n", answer.json().path("site").asText(), answer.json().path("message").asText());
      out().println(force ? "follow it with: cfs admin replication status (role and epoch of " + to + ")"
          : "the switchover completes when " + to + " holds every entry: cfs admin replication status shows it");
    }
    return ExitCodes.OK;
  }
}
