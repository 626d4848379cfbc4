package io.cfs.repl.admin.tools.replication;

import picocli.CommandLine.Command;

/** {@code cfs admin replication resume --peer SITE}. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resume a paused or stopped link to a peer; stopped shards are retried. Needs the token.")
final class ResumeCommand extends PeerAction {
  @Override
  String action() {
    return "resume";
  }
}
