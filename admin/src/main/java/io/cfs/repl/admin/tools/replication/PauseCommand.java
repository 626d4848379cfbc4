package io.cfs.repl.admin.tools.replication;

import picocli.CommandLine.Command;

/** {@code cfs admin replication pause --peer SITE}. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Pause the link to a peer (durable: survives restarts) until it is resumed. Needs the token.")
final class PauseCommand extends PeerAction {
  @Override
  String action() {
    return "pause";
  }
}
