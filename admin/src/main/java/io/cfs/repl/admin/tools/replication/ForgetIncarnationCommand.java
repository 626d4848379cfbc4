package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cfs admin replication forget-incarnation --peer SITE --incarnation ID}: run on a site that refuses a peer's link as
 * INCARNATION_MISMATCH, after that peer lost its data dir and came back with a new journal. Until snapshot bootstrap
 * exists this is the deliberate way to take the peer's new history.
 */
@Command(name = "forget-incarnation", mixinStandardHelpOptions = true,
    description = {"Forget, on this site, the incarnation of a peer's journal and this site's watermarks of it, so"
        + " that the peer's new journal (after it lost its data dir) is adopted at its next link and applied from"
        + " seq 1. Values the old history wrote stay. Audited. Needs the token.",
        "Only after the peer's data dir was lost for good: if it can be restored from a backup, restore it instead."})
final class ForgetIncarnationCommand extends PeerAction {
  // the held id, copied from the refusal: nobody forgets a history by a slip of the verb, or one they did not see
  @Option(names = "--incarnation", required = true, paramLabel = "ID",
      description = "the incarnation of the peer's journal held here, as the INCARNATION_MISMATCH refusal names it"
          + " (\"applied entries of incarnation ID\"); nothing is forgotten if another one is held")
  String incarnation;

  @Override
  String action() {
    return "forget-incarnation?incarnation=" + URLEncoder.encode(incarnation, StandardCharsets.UTF_8);
  }

  @Override
  void print(JsonNode p) {
    out().printf("%s forgot incarnation %s of %s (%d entries applied over %d shards); %s's next journal is taken"
            + " from seq 1%n", p.path("site").asText(), p.path("incarnation").asText(),
        p.path("peer").asText(), p.path("entries").asLong(), p.path("watermarks").size(), p.path("peer").asText());
  }
}
