package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication lag [--watch]}: per peer, entries not yet acknowledged and the age of the oldest. */
@Command(name = "lag", mixinStandardHelpOptions = true,
    description = "Show replication lag per peer (entries and time). Exit 1 if a link lags over the thresholds.")
final class LagCommand extends AdminCall {
  private static final String CLEAR = "\u001b[H\u001b[2J";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
      .withZone(ZoneId.systemDefault());

  @Option(names = "--watch", description = "redraw in place every --interval until Ctrl-C")
  boolean watch;

  @Option(names = "--interval", defaultValue = "1s", description = "redraw interval with --watch (default: 1s)",
      converter = DurationConverter.class)
  Duration interval;

  @Option(names = "--count", defaultValue = "0", description = "with --watch, stop after N draws (0: never)")
  int count;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable {
    int code = draw(client);
    for (int drawn = 1; watch && (count == 0 || drawn < count); drawn++) {
      try {
        Thread.sleep(interval.toMillis()); // the redraw pace of an interactive view
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return code;
      }
      code = draw(client);
    }
    return code;
  }

  private int draw(AdminClient client) throws AdminClient.Unreachable {
    AdminClient.Answer answer = client.get("/replication/lag");
    if (!answer.ok()) return refused(answer);
    JsonNode lag = answer.json();
    if (options.json) {
      out().println(watch ? lag.toString() : answer.body()); // one JSON document per line when watching
    } else {
      if (watch) out().print(CLEAR);
      out().printf("site %s  at %s%s%n", lag.path("site").asText(),
          TIME.format(Instant.ofEpochMilli(lag.path("atMillis").asLong())),
          watch ? "  (every " + Table.millis(interval.toMillis()) + ", Ctrl-C to stop)" : "");
      Table table = new Table("PEER", "STATE", "LAG", "LAG ENTRIES", "LAGGING");
      for (JsonNode p : lag.path("peers")) {
        table.row(p.path("peer").asText(), p.path("state").asText(), Table.millis(p.path("lagMillis").asLong()),
            String.format("%,d", p.path("lagEntries").asLong()), p.path("lagging").asBoolean() ? "yes" : "no");
      }
      table.print(out());
    }
    out().flush();
    for (JsonNode p : lag.path("peers")) {
      if (p.path("lagging").asBoolean()) return ExitCodes.UNHEALTHY;
    }
    return ExitCodes.OK;
  }
}
