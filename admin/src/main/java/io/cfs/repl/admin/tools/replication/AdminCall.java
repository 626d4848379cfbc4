package io.cfs.repl.admin.tools.replication;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The shape of every subcommand: call the node, print the answer, map it to an exit code. */
abstract class AdminCall implements Callable<Integer> {
  @Mixin
  AdminOptions options;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      return run(new AdminClient(options.url, options.cacert));
    } catch (AdminClient.Unreachable e) {
      err().println(e.getMessage());
      return ExitCodes.ERROR;
    } catch (IOException e) {
      err().println("cannot read the token file " + options.tokenFile + ": " + e.getMessage());
      return ExitCodes.ERROR;
    } finally {
      out().flush();
      err().flush();
    }
  }

  abstract int run(AdminClient client) throws AdminClient.Unreachable, IOException;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the node's refusal; 401/403 are authentication errors, anything else a request error. */
  int refused(AdminClient.Answer answer) {
    err().println("refused by the node (HTTP " + answer.status() + "): " + answer.message());
    return answer.status() == 401 || answer.status() == 403 ? ExitCodes.AUTH : ExitCodes.ERROR;
  }

  /** A mutating call: needs a token, sent as a bearer token. */
  AdminClient.Answer post(AdminClient client, String path, String body) throws AdminClient.Unreachable,
      IOException {
    return client.post(path, body, options.token());
  }
}
