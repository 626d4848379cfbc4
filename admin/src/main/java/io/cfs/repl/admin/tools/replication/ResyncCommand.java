package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code cfs admin replication resync --peer SITE}. */
@Command(name = "resync", mixinStandardHelpOptions = true,
    description = "Resync a peer by a snapshot of this site's store (for a peer that lost its data dir, or whose"
        + " shards stopped on a gap; a peer behind the journal horizon is resynced by itself unless"
        + " cfs-repl.resync.auto is off, and this then starts it). The snapshot streams in chunks and resumes after"
        + " a cut; then the link tails the journal from its watermarks. `status` shows its progress. Needs the"
        + " token.")
final class ResyncCommand extends PeerAction {
  @Override
  String action() {
    return "resync";
  }

  @Override
  void print(JsonNode p) {
    super.print(p);
    JsonNode resync = p.path("resync");
    if (!resync.isMissingNode() && !resync.isNull()) {
      out().printf("resync %s: %s values, %s bytes acknowledged (%s)%n", resync.path("phase").asText(),
          resync.path("values").asText(), resync.path("bytes").asText(), resync.path("reason").asText());
    }
  }
}
