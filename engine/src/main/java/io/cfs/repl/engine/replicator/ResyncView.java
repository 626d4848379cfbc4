package io.cfs.repl.engine.replicator;

/**
 * What status shows of a peer's snapshot resync.
 *
 * @param phase NEEDED (waiting for a run: the link is down, paused, or auto resync is off), RUNNING, or FINISHED (the
 *     last run of this replicator's life, kept for status until another is needed)
 * @param reason why the peer needed it
 * @param sinceMillis when it was found needed
 * @param resyncId the run's id, 0 before one started
 * @param values values the peer acknowledged in the run (a cut's unacknowledged chunk is shipped again)
 * @param bytes their payload bytes
 * @param lastInodeId the last inode acknowledged: where a cut run resumes
 * @param startedMillis when the run started, 0 before
 * @param finishedMillis when it finished, 0 before
 */
public record ResyncView(Phase phase, String reason, long sinceMillis, long resyncId, long values, long bytes,
                         long lastInodeId, long startedMillis, long finishedMillis) {
  public enum Phase { NEEDED, RUNNING, FINISHED }

  static ResyncView of(Resync resync) {
    Resync.Run run = resync.run();
    if (run == null) return new ResyncView(Phase.NEEDED, resync.reason(), resync.sinceMillis(), 0, 0, 0, 0, 0, 0);
    return new ResyncView(Phase.RUNNING, resync.reason(), resync.sinceMillis(), run.id(), run.values(), run.bytes(),
        run.lastInodeId(), run.startedMillis(), 0);
  }

  ResyncView finished(long atMillis) {
    return new ResyncView(Phase.FINISHED, reason, sinceMillis, resyncId, values, bytes, lastInodeId, startedMillis,
        atMillis);
  }
}
