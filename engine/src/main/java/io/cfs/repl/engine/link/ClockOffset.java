package io.cfs.repl.engine.link;

/**
 * The peer's clock minus ours, estimated from one round trip the way NTP does: t1 we sent, t2 the peer received,
 * t3 the peer replied, t4 we received (t1, t4 on our clock; t2, t3 on the peer's). The error is at most half the
 * network round trip {@code (t4 - t1) - (t3 - t2)}, whatever the peer spent between t2 and t3, so among several
 * samples the one with the smallest round trip is the most trustworthy (NTP's clock filter).
 *
 * @param offsetMillis the estimated skew
 * @param roundTripMillis the network round trip of the sample: twice its error bound
 */
public record ClockOffset(long offsetMillis, long roundTripMillis) {

  public static ClockOffset measure(long t1, long t2, long t3, long t4) {
    return new ClockOffset(((t2 - t1) + (t3 - t4)) / 2, Math.max(0, (t4 - t1) - (t3 - t2)));
  }

  /** The more trustworthy of two samples. */
  public ClockOffset better(ClockOffset other) {
    return other == null || roundTripMillis <= other.roundTripMillis ? this : other;
  }
}
