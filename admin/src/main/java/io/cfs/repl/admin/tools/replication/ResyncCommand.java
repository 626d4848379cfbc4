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
    String line = line(p);
    if (line != null) out().println(line);
  }

  /** The line of a peer's resync, the same here and in {@code status}; null when the peer's view has none. */
  static String line(JsonNode p) {
    JsonNode resync = p.path("resync");
    if (!resync.isObject()) return null;
    return String.format("%s: snapshot resync %s (%s): %,d values, %,d payload bytes acknowledged",
        p.path("peer").asText(), resync.path("phase").asText(), resync.path("reason").asText(),
        resync.path("values").asLong(), resync.path("bytes").asLong());
  }
}
