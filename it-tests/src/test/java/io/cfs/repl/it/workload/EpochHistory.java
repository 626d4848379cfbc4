package io.cfs.repl.it.workload;

import io.cfs.repl.it.client.IngestEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The history checker of active-passive runs: every batch a site acknowledged, with the epoch it was written in and
 * when, and every FENCED refusal. It proves from the acknowledged history alone:
 * <ul>
 *   <li>no epoch had two sites acknowledging writes;</li>
 *   <li>no write was taken in an older epoch after a write of a newer epoch had been acknowledged (by any site):
 *       two sites never took writes at once, and a site's epochs never went back.</li>
 * </ul>
 *
 * <p>The ingest ack does not say the epoch its entries were stamped with, so a writer reads the site's epoch (its
 * status, which is the epoch its node stamps) just before sending and just after the ack: the epoch of the write lies
 * between the two, exact when they are equal. A write whose two readings differ is counted and left out of the first
 * check (it cannot be placed in one epoch), never out of the second (which only needs bounds). Thread-safe.
 */
public final class EpochHistory {

  /**
   * One acknowledged batch.
   *
   * @param epochBefore the site's epoch read just before the batch was sent
   * @param epochAfter the site's epoch read just after it was acknowledged ({@link Long#MAX_VALUE}: could not be read)
   * @param sentMillis when it was sent (wall clock; nodes and test share the machine)
   * @param ackedMillis when its ack arrived
   * @param batch its entries
   */
  public record Ack(String writer, String site, long epochBefore, long epochAfter, long sentMillis, long ackedMillis,
                    List<IngestEntry> batch) {
    public Ack {
      batch = List.copyOf(batch);
    }

    public int entries() {
      return batch.size();
    }

    public boolean exact() {
      return epochBefore == epochAfter;
    }

    @Override
    public String toString() {
      return writer + "@" + site + " epoch " + (exact() ? epochBefore : epochBefore + ".." + epochAfter) + " sent "
          + sentMillis + " acked " + ackedMillis + " (" + batch.size() + " entries)";
    }
  }

  /** A 409 FENCED answer: {@code site} refused, naming {@code primary} and {@code epoch}. */
  public record Fenced(String writer, String site, String primary, long epoch, long atMillis) {
  }

  private final List<Ack> acks = new ArrayList<>();
  private final List<Fenced> fenced = new ArrayList<>();

  public synchronized void recordAck(Ack ack) {
    acks.add(ack);
  }

  public synchronized void recordFenced(Fenced f) {
    fenced.add(f);
  }

  public synchronized List<Ack> acks() {
    return List.copyOf(acks);
  }

  public synchronized List<Fenced> fenced() {
    return List.copyOf(fenced);
  }

  /** The first ack of {@code site} sent at or after {@code sinceMillis}. */
  public synchronized OptionalLong firstAckMillis(String site, long sinceMillis) {
    return acks.stream().filter(a -> a.site().equals(site) && a.sentMillis() >= sinceMillis)
        .mapToLong(Ack::ackedMillis).min();
  }

  /** Entries acknowledged by {@code site} in batches sent at or after {@code sinceMillis}. */
  public synchronized long acknowledged(String site, long sinceMillis) {
    return acks.stream().filter(a -> a.site().equals(site) && a.sentMillis() >= sinceMillis)
        .mapToLong(Ack::entries).sum();
  }

  /** The longest time without any ack, from the last ack before {@code from} to the first after {@code to}. */
  public synchronized long longestAckGapMillis(long from, long to) {
    List<Long> times = acks.stream().map(Ack::ackedMillis).sorted().toList();
    long gap = 0;
    for (int i = 1; i < times.size(); i++) {
      if (times.get(i) >= from && times.get(i - 1) <= to) gap = Math.max(gap, times.get(i) - times.get(i - 1));
    }
    return gap;
  }

  /** Per epoch the sites that acknowledged writes in it (exactly placed writes only). */
  public synchronized Map<Long, Set<String>> writersByEpoch() {
    Map<Long, Set<String>> out = new TreeMap<>();
    acks.stream().filter(Ack::exact).forEach(a -> out.computeIfAbsent(a.epochBefore(), e -> new TreeSet<>())
        .add(a.site()));
    return out;
  }

  /** What the history shows against the two claims; empty when it upholds both. */
  public synchronized List<String> violations() {
    List<String> out = new ArrayList<>();
    writersByEpoch().forEach((epoch, sites) -> {
      if (sites.size() > 1) {
        out.add("epoch " + epoch + " had writes acknowledged by " + sites + ": " + acks.stream()
            .filter(a -> a.exact() && a.epochBefore() == epoch).limit(20).toList());
      }
    });
    // a write surely of an older epoch (its upper bound) sent after a write surely of a newer one (its lower bound)
    // was acknowledged: sweep the writes by send time against the newest epoch acknowledged before it
    List<Ack> bySent = acks.stream().sorted(Comparator.comparingLong(Ack::sentMillis)).toList();
    List<Ack> byAcked = acks.stream().sorted(Comparator.comparingLong(Ack::ackedMillis)).toList();
    int next = 0;
    Ack newest = null;
    for (Ack a : bySent) {
      while (next < byAcked.size() && byAcked.get(next).ackedMillis() < a.sentMillis()) {
        Ack done = byAcked.get(next++);
        if (newest == null || done.epochBefore() > newest.epochBefore()) newest = done;
      }
      if (newest != null && a.epochAfter() < newest.epochBefore()) {
        out.add("write in epoch <= " + a.epochAfter() + " taken after a write of epoch " + newest.epochBefore()
            + " was acknowledged: " + a + " after " + newest);
      }
    }
    return out;
  }

  /** Fails with the violations, if any. */
  public void assertOneWriterPerEpoch() {
    List<String> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(v.size() + " violation(s) in the acknowledged history:\n  "
          + String.join("\n  ", v.subList(0, Math.min(20, v.size()))));
    }
  }

  @Override
  public synchronized String toString() {
    long ambiguous = acks.stream().filter(a -> !a.exact()).count();
    return "epoch history{" + acks.size() + " acked batches (" + ambiguous + " not placed in one epoch), "
        + fenced.size() + " FENCED answers, writers by epoch " + writersByEpoch() + "}";
  }
}
