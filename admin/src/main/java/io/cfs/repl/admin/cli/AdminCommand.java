package io.cfs.repl.admin.cli;

import io.cfs.repl.admin.tools.replication.ReplicationCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cfs admin}: operates a running node through its admin HTTP API. */
@Command(name = "admin", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
    description = "Operate a running node through its admin HTTP API.",
    subcommands = {ReplicationCommand.class})
public final class AdminCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
