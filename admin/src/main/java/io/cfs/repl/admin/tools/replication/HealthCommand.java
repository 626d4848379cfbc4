package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code cfs admin replication health}: this site's and every peer link's health, with the reasons. */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Show HEALTHY / DEGRADED / DOWN for this site and each peer link. Exit 1 unless HEALTHY.")
final class HealthCommand extends AdminCall {

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable {
    AdminClient.Answer answer = client.get("/replication/health");
    if (!answer.ok()) return refused(answer);
    JsonNode health = answer.json();
    if (options.json) {
      out().println(answer.body());
    } else {
      out().printf("site %s: %s%n", health.path("site").asText(), health.path("health").asText());
      Table table = new Table("PEER", "HEALTH", "STATE", "REASONS");
      for (JsonNode p : health.path("peers")) {
        StringBuilder reasons = new StringBuilder();
        for (JsonNode r : p.path("reasons")) reasons.append(reasons.length() == 0 ? "" : "; ").append(r.asText());
        table.row(p.path("peer").asText(), p.path("health").asText(), p.path("state").asText(),
            reasons.length() == 0 ? null : reasons);
      }
      table.print(out());
    }
    return "HEALTHY".equals(health.path("health").asText()) ? ExitCodes.OK : ExitCodes.UNHEALTHY;
  }
}
