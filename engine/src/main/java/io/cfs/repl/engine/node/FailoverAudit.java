package io.cfs.repl.engine.node;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.apply.ForwardingApplyListener;
import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.failover.FailoverEvent;
import io.cfs.repl.engine.failover.FailoverListener;
import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;

/**
 * Failover's part of the audit trail: health changes, promotions, demotions, adopted epochs and refused failovers as
 * the resolver decides them; batches refused for a stale epoch and old-epoch entries reconciled by LWW as the receiver
 * meets them. Each wraps another listener and passes every call on.
 */
final class FailoverAudit {
  private FailoverAudit() {
  }

  static FailoverListener of(FailoverListener next, AuditSink audit) {
    return new FailoverListener() {
      @Override
      public void onHealthChanged(String site, String peer, PeerHealth from, PeerHealth to) {
        next.onHealthChanged(site, peer, from, to);
        audit.record(AuditRecord.of(AuditKind.HEALTH_CHANGED, System.currentTimeMillis(), site,
            peer + " " + from + " -> " + to).withPeer(peer).withAttribute("health", to.name()));
      }

      @Override
      public void onEvent(String site, FailoverEvent event) {
        next.onEvent(site, event);
        long now = System.currentTimeMillis();
        if (event instanceof FailoverEvent.Promoted p) {
          audit.record(AuditRecord.of(AuditKind.PROMOTED, now, site, site + " promoted: primary of epoch "
              + p.epoch()).withAttribute("epoch", Long.toString(p.epoch())));
        } else if (event instanceof FailoverEvent.Demoted d) {
          audit.record(AuditRecord.of(AuditKind.DEMOTED, now, site, site + " stepped down in epoch " + d.epoch()
              + ": " + d.reason()).withAttribute("epoch", Long.toString(d.epoch())));
        } else if (event instanceof FailoverEvent.EpochAdopted a) {
          audit.record(AuditRecord.of(AuditKind.EPOCH_ADOPTED, now, site, "adopted epoch " + a.epoch()
              + ", primary " + a.primary()).withAttribute("epoch", Long.toString(a.epoch())));
        }
      }

      @Override
      public void onFailoverRequested(String site, String target, boolean force, boolean started, String message) {
        next.onFailoverRequested(site, target, force, started, message);
        audit.record(AuditRecord.of(AuditKind.FAILOVER_REQUESTED, System.currentTimeMillis(), site,
                (force ? "forced failover to " : "planned switchover to ") + target + ": "
                    + (started ? "started" : "refused") + ": " + message)
            .withPeer(target).withAttribute("started", Boolean.toString(started)));
      }
    };
  }

  static ApplyListener of(ApplyListener next, AuditSink audit, String site) {
    return new ForwardingApplyListener(next) {
      @Override
      public void onStaleEpoch(String origin, long batchEpoch, long localEpoch) {
        super.onStaleEpoch(origin, batchEpoch, localEpoch);
        audit.record(AuditRecord.of(AuditKind.STALE_EPOCH_REFUSED, System.currentTimeMillis(), site,
                "batch of epoch " + batchEpoch + " from " + origin + " refused: this site is in epoch " + localEpoch)
            .withPeer(origin).withAttribute("epoch", Long.toString(batchEpoch)));
      }

      @Override
      public void onOldEpochEntries(String origin, List<JournalEntry> entries, long localEpoch, ApplyResult result) {
        super.onOldEpochEntries(origin, entries, localEpoch, result);
        long now = System.currentTimeMillis();
        for (JournalEntry e : entries) {
          ApplyResult.Outcome outcome = result.outcome(e);
          if (outcome == ApplyResult.Outcome.SKIPPED) continue; // recorded when it was applied
          audit.record(AuditRecord.of(AuditKind.OLD_EPOCH_RECONCILED, now, site, "entry of epoch " + e.epoch()
                  + " from " + origin + " reconciled by LWW: " + outcome)
              .withPeer(origin).withInode(e.inodeId()).withPosition(e.shard(), e.seq())
              .withAttribute("outcome", outcome.name()));
        }
      }
    };
  }
}
