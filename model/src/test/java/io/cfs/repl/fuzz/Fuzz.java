package io.cfs.repl.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What every decoder fuzz test checks of one decode call, and the inputs it feeds: a decoder that reads bytes from
 * outside either returns a value or throws one of its documented typed errors; it allocates no more than a bound
 * that follows from the input's size (never from a length field it read); and it returns within
 * {@link #TIME_LIMIT_MILLIS}.
 *
 * <p>Decoding runs on a worker thread, so that a decoder caught in an endless loop fails its case instead of hanging
 * the build; the worker measures the bytes the call allocates on its own thread
 * ({@code com.sun.management.ThreadMXBean}), which includes every array a length field could make it allocate.
 */
public final class Fuzz {
  /** Generous for one decode of a few KiB: only an endless (or quadratic) loop gets near it. */
  public static final long TIME_LIMIT_MILLIS = 2_000;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static ExecutorService worker = newWorker();

  private Fuzz() {
  }

  /**
   * Inputs built from valid encodings: most are edited (one to four {@link Mutation}s), some are left intact (they
   * must decode), and some are random bytes.
   */
  public static Arbitrary<byte[]> mutants(Arbitrary<byte[]> valid) {
    Arbitrary<byte[]> edited = Combinators.combine(valid, Mutation.any().list().ofMinSize(1).ofMaxSize(4))
        .as((bytes, edits) -> {
          byte[] out = bytes;
          for (Mutation m : edits) out = m.apply(out);
          return out;
        });
    return Arbitraries.frequencyOf(
        Tuple.of(1, valid),
        Tuple.of(8, edited),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(512)));
  }

  /**
   * Runs one decode and checks the three rules: returns its value, or null if it threw one of {@code typed}.
   *
   * @param maxAllocatedBytes what the call may allocate at most, from the input's size (plus a constant)
   * @throws AssertionError if the call threw anything else, allocated more, or did not return in time
   */
  @SafeVarargs
  public static <T> T decodesOrRefuses(long maxAllocatedBytes, Callable<T> decode,
                                       Class<? extends Throwable>... typed) {
    Outcome<T> outcome = run(decode);
    if (outcome.allocatedBytes() > maxAllocatedBytes) {
      // the first run of a path also allocates for class loading and initialisation: only a repeat counts
      outcome = run(decode);
    }
    if (outcome.allocatedBytes() > maxAllocatedBytes) {
      throw new AssertionError("decoding allocated " + outcome.allocatedBytes() + " bytes, at most "
          + maxAllocatedBytes + " allowed" + (outcome.failure() == null ? "" : "; it threw " + outcome.failure()),
          outcome.failure());
    }
    if (outcome.failure() == null) return outcome.value();
    for (Class<? extends Throwable> type : typed) {
      if (type.isInstance(outcome.failure())) return null;
    }
    throw new AssertionError("decoding threw " + outcome.failure() + ", not one of " + Arrays.toString(typed),
        outcome.failure());
  }

  /** The result of one decode: its value or what it threw, and the bytes it allocated. */
  public record Outcome<T>(T value, Throwable failure, long allocatedBytes) {
  }

  /** Runs one decode on the worker within {@link #TIME_LIMIT_MILLIS}, measuring what it allocates. */
  public static synchronized <T> Outcome<T> run(Callable<T> decode) {
    Future<Outcome<T>> result = worker.submit(() -> {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      T value = null;
      Throwable failure = null;
      try {
        value = decode.call();
      } catch (Throwable t) { // OutOfMemoryError and StackOverflowError are findings too
        failure = t;
      }
      return new Outcome<>(value, failure, THREADS.getCurrentThreadAllocatedBytes() - before);
    });
    try {
      return result.get(TIME_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // the stuck thread cannot be stopped: leave it (a daemon) and give later cases a fresh worker
      worker.shutdownNow();
      worker = newWorker();
      throw new AssertionError("decoding did not return within " + TIME_LIMIT_MILLIS + " ms");
    } catch (ExecutionException e) {
      throw new AssertionError("the fuzz worker failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while decoding", e);
    }
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-decoder");
      t.setDaemon(true);
      return t;
    });
  }
}
