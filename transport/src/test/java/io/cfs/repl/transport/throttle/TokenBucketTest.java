package io.cfs.repl.transport.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bucket on a clock of the test's own: every delay is exact, so the rates are checked to the byte. */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long BURST = SECOND / 10;

  /** A sender that offers frames of {@code frame} bytes back to back, as the stage does, and waits as it is told. */
  private static final class Sender {
    final TokenBucket bucket;
    long now;
    long sent;

    Sender(TokenBucket bucket, long now) {
      this.bucket = bucket;
      this.now = now;
    }

    /** Sends frames until the clock reaches {@code until}; returns the bytes sent. */
    long sendUntil(long until, long frame) {
      long before = sent;
      while (true) {
        long delay = bucket.delayNanos(now);
        if (now + delay > until) return sent - before;
        now += delay;
        bucket.take(frame, now);
        sent += frame;
      }
    }
  }

  @Test
  void holdsTheRateOverManySecondsAfterTheInitialBurst() {
    long rate = 2L << 20;
    Sender sender = new Sender(new TokenBucket(rate, BURST, 0), 0);
    long first = sender.sendUntil(SECOND, 1_500);
    long next = sender.sendUntil(11 * SECOND, 1_500);
    // the first second carries the full bucket (a tenth of a second's worth) on top of the rate
    assertThat(first).isBetween(rate + rate / 10 - 1_500, rate + rate / 10 + 1_500);
    assertThat(next).isBetween(10 * rate - 1_500, 10 * rate + 1_500);
  }

  @Test
  void aFrameLargerThanTheBucketPassesAndTheNextFramesWaitForItsExcess() {
    long rate = 10_000; // bucket of 1,000 bytes
    TokenBucket bucket = new TokenBucket(rate, BURST, 0);
    assertThat(bucket.delayNanos(0)).isZero(); // nothing owed: the huge frame goes at once
    bucket.take(50_000, 0);
    // 49,000 bytes of debt: 4.9 s at 10,000 B/s
    assertThat(bucket.delayNanos(0)).isEqualTo(4_900_000_000L);
    assertThat(bucket.delayNanos(4_899_000_000L)).isEqualTo(1_000_000L);
    assertThat(bucket.delayNanos(4_900_000_000L)).isZero();
  }

  @Test
  void aLateTimerLosesNoTimeWhileFramesWait() {
    long rate = 10_000;
    TokenBucket bucket = new TokenBucket(rate, BURST, 0);
    long now = 0;
    long sent = 0;
    for (int i = 0; i < 100; i++) {
      now += bucket.delayNanos(now) + 30_000_000L; // every timer fires 30 ms late
      bucket.take(5_000, now);
      sent += 5_000;
    }
    // 500,000 bytes at 10,000 B/s are 50 s, less the bucket's 0.1 s and the last frame's 0.5 s (paid after it went),
    // plus the first and the last timer's lateness; a bucket that dropped the tokens of every late moment would
    // have taken 100 * 30 ms longer
    assertThat(now).isBetween(49_459_000_000L, 49_461_000_000L);
  }

  @Test
  void aRateChangeMidFlightAppliesFromTheMomentOfTheChange() {
    Sender sender = new Sender(new TokenBucket(100_000, BURST, 0), 0);
    sender.sendUntil(2 * SECOND, 1_000);
    sender.now = 2 * SECOND;
    sender.bucket.setRate(400_000, sender.now);
    long faster = sender.sendUntil(4 * SECOND, 1_000);
    assertThat(faster).isBetween(800_000L - 2_000, 800_000L + 2_000);
    sender.now = 4 * SECOND;
    sender.bucket.setRate(50_000, sender.now);
    long slower = sender.sendUntil(8 * SECOND, 1_000);
    assertThat(slower).isBetween(200_000L - 2_000, 200_000L + 2_000);
  }

  @Test
  void aDebtIsPaidAtTheNewRate() {
    TokenBucket bucket = new TokenBucket(1_000, BURST, 0);
    bucket.take(10_100, 0); // 10,000 bytes of debt: 10 s at 1,000 B/s
    bucket.setRate(100_000, 0); // ... 0.1 s at 100,000 B/s
    assertThat(bucket.delayNanos(0)).isEqualTo(100_000_000L);
  }

  @Test
  void unlimitedNeverWaitsAndLimitingAgainStartsFromAFullBucket() {
    TokenBucket bucket = new TokenBucket(1_000, BURST, 0);
    bucket.take(100_000, 0);
    bucket.setRate(WireThrottle.UNLIMITED, 0);
    assertThat(bucket.delayNanos(0)).isZero();
    bucket.take(1 << 30, 0);
    bucket.setRate(1_000, 0);
    assertThat(bucket.delayNanos(0)).isZero(); // the bucket of 100 bytes is full
    bucket.take(200, 0);
    assertThat(bucket.delayNanos(0)).isEqualTo(BURST); // 100 bytes owed
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(() -> new TokenBucket(-1, BURST, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new WireThrottle(1, java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
