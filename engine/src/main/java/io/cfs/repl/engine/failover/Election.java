package io.cfs.repl.engine.failover;

import java.util.HashSet;
import java.util.Set;

/** One election round of a candidate: volatile, a restarted site starts over with a fresh epoch. */
final class Election {

  enum Kind {
    /** The primary went quiet for down-after. */
    AUTO,
    /** The primary sees voters that voted beyond its epoch and lacks its lease without them: it runs again. */
    REELECTION,
    /** The operator forced a failover to this site. */
    FORCED,
    /** The primary stepped down and handed over to this site. */
    HANDOVER
  }

  final long epoch;
  final Kind kind;
  final long roundEndsAt;
  /** Manual failovers retry rounds until then; automatic ones never give up. */
  final long giveUpAt;
  private final Set<String> granted = new HashSet<>();
  long lastSentAt;

  Election(long epoch, Kind kind, long roundEndsAt, long giveUpAt) {
    this.epoch = epoch;
    this.kind = kind;
    this.roundEndsAt = roundEndsAt;
    this.giveUpAt = giveUpAt;
  }

  void granted(String voter) {
    granted.add(voter);
  }

  boolean hasGrantFrom(String voter) {
    return granted.contains(voter);
  }

  int grants() {
    return granted.size();
  }

  boolean manual() {
    return kind == Kind.FORCED || kind == Kind.HANDOVER;
  }
}
