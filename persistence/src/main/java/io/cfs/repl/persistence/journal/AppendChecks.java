package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.util.List;

/** The checks of an append call that need no journal state, done on the caller's thread before it is queued. */
final class AppendChecks {
  private AppendChecks() {
  }

  /** The refusal of the call, or null if it may be queued. */
  static AppendRejectedException checkAlone(List<JournalEntry> call, String localSite, JournalSettings settings) {
    if (call.size() > settings.maxAppendEntries()) {
      return rejected(Reason.BATCH_TOO_LARGE, call.get(0),
          call.size() + " entries, at most " + settings.maxAppendEntries() + " per append");
    }
    long now = Clocks.epochNanos();
    long maxAhead = settings.maxClockOffset().toNanos();
    for (JournalEntry e : call) {
      if (e.hlc() - now > maxAhead) {
        return rejected(Reason.CLOCK_AHEAD, e, String.format("hlc %d is %.1f ms ahead of this node's clock, more than"
            + " max-clock-offset (%d ms): the writer's clock is wrong", e.hlc(), (e.hlc() - now) / 1e6,
            settings.maxClockOffset().toMillis()));
      }
      if (!e.originSite().equals(localSite)) {
        return rejected(Reason.WRONG_ORIGIN, e, "origin " + e.originSite() + ", this journal holds " + localSite);
      }
      if (e.payload().length > settings.maxPayloadBytes()) {
        return rejected(Reason.PAYLOAD_TOO_LARGE, e,
            e.payload().length + " payload bytes, at most " + settings.maxPayloadBytes());
      }
    }
    return null;
  }

  static AppendRejectedException closed(List<JournalEntry> call, String localSite) {
    String message = "journal of " + localSite + " closed";
    return call.isEmpty()
        ? new AppendRejectedException(Reason.CLOSED, 0, 0, message)
        : rejected(Reason.CLOSED, call.get(0), message);
  }

  static AppendRejectedException rejected(Reason reason, JournalEntry e, String message) {
    return new AppendRejectedException(reason, e.shard(), e.seq(), message);
  }

  static void requireArgument(boolean condition, String message) {
    if (!condition) throw new IllegalArgumentException(message);
  }
}
