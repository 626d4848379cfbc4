package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication verify --peer SITE [--repair]}: starts a verification, follows it, prints the report. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Compare this site's store with a peer's by a tree of range digests (the bytes exchanged grow with"
        + " the differences, not the store) and list the inodes that differ. With --repair, ship each differing"
        + " inode's last-write-wins winner to the site that lacks it, both ways; each site audits what it wrote."
        + " Needs the token. Progress goes to stderr.",
        "Exit 0: identical, or every difference repaired; 1: differences remain; 2: error; 3: auth."})
final class VerifyCommand extends AdminCall {
  @Option(names = "--peer", required = true, description = "the peer site to verify against")
  String peer;

  @Option(names = "--repair", description = "repair the differences found (both ways, last-write-wins)")
  boolean repair;

  @Option(names = "--poll", defaultValue = "500ms", converter = DurationConverter.class,
      description = "how often to ask the node how far it got (default: 500ms)")
  Duration poll;

  @Option(names = "--timeout", defaultValue = "2h", converter = DurationConverter.class,
      description = "give up following the verification after this long (default: 2h; it runs on in the node)")
  Duration timeout;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable, IOException {
    String body = "{\"peer\":" + TextNode.valueOf(peer) + ",\"repair\":" + repair + "}";
    AdminClient.Answer started = post(client, "/replication/verify", body);
    if (!started.ok()) return refused(started);
    long id = started.json().path("id").asLong();
    long deadline = System.nanoTime() + timeout.toNanos();
    String shown = "";
    while (true) {
      AdminClient.Answer answer = client.get("/replication/verify");
      if (!answer.ok()) return refused(answer);
      JsonNode view = answer.json();
      JsonNode last = view.path("last");
      if (last.path("id").asLong() == id) return finished(last, answer.json());
      if (view.path("running").path("id").asLong() != id) {
        err().println("verify against " + peer + ": the node no longer knows verification " + id
            + " (it restarted, or the URL reaches another node)");
        return ExitCodes.ERROR;
      }
      if (System.nanoTime() > deadline) {
        err().println("verify against " + peer + ": still running after " + Table.millis(timeout.toMillis())
            + "; follow it with GET /replication/verify");
        return ExitCodes.ERROR;
      }
      String phase = view.path("running").path("phase").asText("");
      if (!options.json && !phase.isEmpty() && !phase.equals(shown)) {
        err().println("verify against " + peer + ": " + phase);
        err().flush();
        shown = phase;
      }
      try {
        Thread.sleep(poll.toMillis()); // the pace of following a running operation, as lag --watch redraws
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCodes.ERROR;
      }
    }
  }

  private int finished(JsonNode last, JsonNode view) {
    if (!last.path("error").isMissingNode() && !last.path("error").isNull()) {
      err().println("verify against " + peer + " failed: " + last.path("error").asText());
      return ExitCodes.ERROR;
    }
    JsonNode r = last.path("report");
    if (options.json) {
      out().println(r.toString());
    } else {
      out().printf("site %s vs %s: %,d and %,d inodes, %,d differ%s%n", r.path("site").asText(),
          r.path("peer").asText(), r.path("localInodes").asLong(), r.path("peerInodes").asLong(),
          r.path("differing").asLong(), repair ? String.format(", repaired %,d here and %,d there",
              r.path("repairedHere").asLong(), r.path("repairedThere").asLong()) : "");
      out().printf("exchanged %,d bytes in %,d requests, %s%n",
          r.path("bytesSent").asLong() + r.path("bytesReceived").asLong(), r.path("requests").asLong(),
          Table.millis(r.path("millis").asLong()));
      if (r.path("divergent").size() > 0) {
        Table table = new Table("INODE", "HERE", "THERE", "WINNER");
        for (JsonNode d : r.path("divergent")) {
          table.row(Long.toString(d.path("inode").asLong()), describe(d.path("local")), describe(d.path("peer")),
              d.path("winner").isTextual() ? d.path("winner").asText() : "none: equal versions, different content");
        }
        table.print(out());
        if (r.path("divergent").size() < r.path("differing").asLong()) {
          out().printf("(%,d listed of %,d: cfs-repl.verify.max-listed)%n", r.path("divergent").size(),
              r.path("differing").asLong());
        }
      }
    }
    long remaining = repair ? r.path("unrepairable").asLong() : r.path("differing").asLong();
    return remaining == 0 ? ExitCodes.OK : ExitCodes.UNHEALTHY;
  }

  private static String describe(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) return "-";
    JsonNode version = value.path("version");
    return version.path("hlc").asLong() + "@" + version.path("originSite").asText()
        + (value.path("tombstone").asBoolean() ? " (deleted)" : "");
  }
}
