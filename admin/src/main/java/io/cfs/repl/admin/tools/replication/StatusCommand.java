package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code cfs admin replication status}: per peer link, state, health, lag, throughput and last error; then the
 * journal: what it holds and who holds its horizon back.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show this site's links: state, health, lag, throughput, last error. Exit 1 unless HEALTHY.")
final class StatusCommand extends AdminCall {

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable {
    AdminClient.Answer answer = client.get("/replication/status");
    if (!answer.ok()) return refused(answer);
    JsonNode status = answer.json();
    if (options.json) {
      out().println(answer.body());
    } else {
      print(status);
    }
    return "HEALTHY".equals(status.path("health").asText()) ? ExitCodes.OK : ExitCodes.UNHEALTHY;
  }

  private void print(JsonNode status) {
    long now = System.currentTimeMillis();
    JsonNode promoted = status.path("lastPromotionMillis");
    out().printf("site %s  health %s  role %s  epoch %s  primary %s  last promotion %s%n", status.path("site").asText(),
        status.path("health").asText(), text(status.path("role")), text(status.path("epoch")),
        text(status.path("primary")), promoted.isNumber()
            ? java.time.Instant.ofEpochMilli(promoted.asLong()) + " (" + Table.millis(now - promoted.asLong()) + " ago)"
            : "-");
    Table table = new Table("PEER", "STATE", "FOR", "HEALTH", "LAG", "LAG ENTRIES", "ACKED", "ACKED/S",
        "THROTTLE", "WIRE/S", "SKEW", "CONN", "RUNS ON", "DIALS", "LAST ERROR");
    for (JsonNode p : status.path("peers")) {
      table.row(p.path("peer").asText(), p.path("state").asText(),
          Table.millis(Math.max(0, now - p.path("stateSinceMillis").asLong())), p.path("health").asText(),
          Table.millis(p.path("lagMillis").asLong()), String.format("%,d", p.path("lagEntries").asLong()),
          String.format("%,d", p.path("ackedEntries").asLong()),
          String.format("%,.1f", p.path("ackedEntriesPerSecond").asDouble()),
          Table.throttle(p.path("throttleBytesPerSecond").asLong()), Table.rate(p.path("wireBytesPerSecond").asLong()),
          p.path("clockSkewMillis").isNumber() ? p.path("clockSkewMillis").asLong() + "ms" : "-",
          p.path("connection").asText(), text(p.path("replicatorNode")), text(p.path("peerAddress")),
          abbreviate(text(p.path("lastError")), 80));
    }
    table.print(out());
    printJournal(status.path("journal"), site(status));
    for (JsonNode p : status.path("peers")) {
      String resync = ResyncCommand.line(p);
      if (resync != null) out().println(resync);
      for (JsonNode shard : p.path("stoppedShards")) {
        out().printf("%s: shard %d stopped: peer expects seq %d, link sent %d%n", p.path("peer").asText(),
            shard.path("shard").asInt(), shard.path("expectedSeq").asLong(), shard.path("receivedSeq").asLong());
      }
    }
  }

  private static String site(JsonNode status) {
    return status.path("site").asText();
  }

  /** One line: what the journal holds and who holds its horizon back (absent when the node could not read it). */
  private void printJournal(JsonNode journal, String site) {
    if (!journal.isObject()) return;
    String heldBy = text(journal.path("horizonHeldBy"));
    long needs = journal.path("horizonHeldByEntries").asLong();
    String horizon = heldBy.equals("-") ? "nothing holds the horizon back"
        : "horizon held back by " + (heldBy.equals(site) ? "the local apply" : heldBy) + " ("
            + (needs < 0 ? "not answering: nothing is collected" : String.format("%,d entries", needs)) + ")";
    out().printf("journal %,d entries  %s  oldest %s  collection %s  %s%n", journal.path("entries").asLong(),
        Table.bytes(journal.path("bytes").asLong()), journal.path("oldestHlc").asLong() == 0 ? "-"
            : Table.millis(journal.path("oldestAgeMillis").asLong()),
        journal.path("collecting").asBoolean() ? "on" : "off", horizon);
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  static String text(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? "-" : node.asText();
  }
}
