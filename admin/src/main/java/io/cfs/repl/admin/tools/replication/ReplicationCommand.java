package io.cfs.repl.admin.tools.replication;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cfs admin replication ...}. Exit codes of every subcommand: 0 ok, 1 unhealthy or lagging (per the node's
 * health thresholds), 2 usage, connection or request error, 3 authentication refused.
 */
@Command(name = "replication", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
    description = "Replication status, lag and health; pause, resume, throttle and sync of peer links; the audit"
        + " trail.",
    footer = {"", "Exit codes: 0 ok, 1 unhealthy or lagging, 2 usage/connection/request error, 3 authentication."},
    subcommands = {StatusCommand.class, LagCommand.class, HealthCommand.class, PauseCommand.class,
        ResumeCommand.class, ThrottleCommand.class, SyncCommand.class, AuditCommand.class, FailoverCommand.class,
        VerifyCommand.class, ForgetIncarnationCommand.class, ResyncCommand.class, PeersCommand.class})
public final class ReplicationCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
