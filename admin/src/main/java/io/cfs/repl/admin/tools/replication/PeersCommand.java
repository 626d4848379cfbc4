package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cfs admin replication peers reload}. */
@Command(name = "peers", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
    description = "The site's peer sites.", subcommands = PeersCommand.Reload.class)
final class PeersCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command: reload");
  }

  /** {@code cfs admin replication peers reload}. */
  @Command(name = "reload", mixinStandardHelpOptions = true,
      description = "Re-read the node's configuration file and apply its peers (cfs-repl.node.peers): a site added"
          + " gets a link (a new site bootstraps by snapshot resync); a site removed has its cursors dropped, holds"
          + " the journal back nowhere, and its links are refused. Run it on every node of every site concerned."
          + " Needs the token.")
  static final class Reload extends AdminCall {
    @Override
    int run(AdminClient client) throws AdminClient.Unreachable, IOException {
      AdminClient.Answer answer = post(client, "/replication/peers/reload", "");
      if (!answer.ok()) return refused(answer);
      if (options.json) {
        out().println(answer.body());
      } else {
        JsonNode r = answer.json();
        out().printf("site %s: peers reloaded: added %s, removed %s; peers now %s%n", r.path("site").asText(),
            r.path("added"), r.path("removed"), r.path("peers"));
      }
      return ExitCodes.OK;
    }
  }
}
