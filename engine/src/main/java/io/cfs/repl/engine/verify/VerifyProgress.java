package io.cfs.repl.engine.verify;

/**
 * Where one verification is, or how it ended: what {@code GET /replication/verify} shows while it runs and after.
 *
 * @param id this node's run number, from 1
 * @param peer the site verified against
 * @param repair whether a repair was asked for
 * @param startedMillis when it started
 * @param phase what it is doing, for a person; "finished" or "failed" at the end
 * @param report the report once it finished, else null
 * @param error why it failed, else null
 */
public record VerifyProgress(long id, String peer, boolean repair, long startedMillis, String phase,
                             VerifyReport report, String error) {
  static VerifyProgress started(long id, String peer, boolean repair) {
    return new VerifyProgress(id, peer, repair, System.currentTimeMillis(), "connecting", null, null);
  }

  VerifyProgress at(String newPhase) {
    return new VerifyProgress(id, peer, repair, startedMillis, newPhase, null, null);
  }

  VerifyProgress finished(VerifyReport done) {
    return new VerifyProgress(id, peer, repair, startedMillis, "finished", done, null);
  }

  VerifyProgress failed(String why) {
    return new VerifyProgress(id, peer, repair, startedMillis, "failed", null, why);
  }
}
