package io.cfs.repl.persistence.guard;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.JournalFootprint;
import io.cfs.repl.persistence.journal.JournalLag;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.ForgottenOrigin;
import io.cfs.repl.persistence.store.IncarnationCheck;
import io.cfs.repl.persistence.store.MarksInstalled;
import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.persistence.store.StoreSnapshot;
import io.cfs.repl.persistence.store.WriteConflict;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RepairResult;
import io.cfs.repl.persistence.store.StoreDigest;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule that a blocking storage call never runs on a thread of Pekko's own dispatchers (actors, streams, HTTP
 * routes), where one slow disk or database round trip would stall everything else scheduled there: actors, streams
 * and routes hand storage calls to the storage executor ({@code cfs-repl.blocking-dispatcher}) or a dispatcher of
 * their own. A rule is only as good as its check: with the system property {@value #PROPERTY} set (every test run
 * sets it, the multi-JVM nodes included), a node's journal, store and audit log are wrapped so that a call from such
 * a thread throws. Off, the wrappers are not installed and cost nothing.
 */
public final class StorageThreads {
  private static final Logger log = LoggerFactory.getLogger(StorageThreads.class);
  public static final String PROPERTY = "cfs-repl.check-storage-threads";
  /** In the message of every refused call, so that a test can find one in a node's log. */
  public static final String VIOLATION = "blocking storage calls belong on the storage executor";
  /** Pekko names a dispatcher's threads {@code <system>-<dispatcher id>-<n>}; these ids are Pekko's own. */
  private static final Pattern PEKKO_THREAD = Pattern.compile(".*-pekko\\.(actor|io|stream|remote|cluster)\\..*");

  private StorageThreads() {
  }

  public static boolean checking() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Throws if the current thread belongs to one of Pekko's own dispatchers. */
  public static void check(String call) {
    String thread = Thread.currentThread().getName();
    if (PEKKO_THREAD.matcher(thread).matches()) {
      throw new IllegalStateException("storage call " + call + " on " + thread
          + ": " + VIOLATION + ", not on Pekko's dispatchers");
    }
  }

  /** {@code journal}, checked when {@link #checking()}. */
  public static LocalJournal checked(LocalJournal journal) {
    return checking() ? new CheckedJournal(journal) : journal;
  }

  /** {@code store}, checked when {@link #checking()}. */
  public static MetadataStore checked(MetadataStore store) {
    return checking() ? new CheckedStore(store) : store;
  }

  /** {@code log}, checked when {@link #checking()}. */
  public static AuditLog checked(AuditLog log) {
    return checking() ? new CheckedAuditLog(log) : log;
  }

  /**
   * Appends are asynchronous (group commit): reads and collection (synchronous deletes) are checked, and a tail's
   * storage reads where they run: a tail runs on its stream's dispatcher and must hand them to an executor of its own
   * (a read found on Pekko's threads is logged, not refused: see {@link #tail}).
   */
  private static final class CheckedJournal extends ForwardingJournal {
    CheckedJournal(LocalJournal journal) {
      super(journal);
    }

    @Override
    public long headSeq(int shard) {
      check("journal.headSeq");
      return super.headSeq(shard);
    }

    @Override
    public Map<Integer, Long> heads() {
      check("journal.heads");
      return super.heads();
    }

    @Override
    public List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
      check("journal.read");
      return super.read(shard, fromSeq, maxEntries);
    }

    @Override
    public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries,
                                                    LongSupplier maxBytes, Executor reads) {
      if (reads == null) {
        throw new IllegalStateException("a tail without an executor for its reads reads storage on its stream's "
            + "thread: " + VIOLATION);
      }
      return super.tail(positions, maxEntries, maxBytes, task -> reads.execute(() -> {
        try {
          check("journal.tail read");
        } catch (IllegalStateException violation) {
          // refused, the read's future would never complete and the tail would hang unnoticed: the read runs and the
          // violation is logged, where tests look for it in a node's log
          log.error(violation.getMessage());
        }
        task.run();
      }));
    }

    @Override
    public List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
      check("journal.readBatch");
      return super.readBatch(positions, maxEntries, maxBytes);
    }

    @Override
    public long horizon(int shard) {
      check("journal.horizon");
      return super.horizon(shard);
    }

    @Override
    public long collect(Map<Integer, Long> upToInclusive) {
      check("journal.collect");
      return super.collect(upToInclusive);
    }

    @Override
    public JournalFootprint footprint() {
      check("journal.footprint");
      return super.footprint();
    }

    @Override
    public OptionalLong hlcAt(int shard, long seq) {
      check("journal.hlcAt");
      return super.hlcAt(shard, seq);
    }

    @Override
    public JournalLag lagBehind(Map<Integer, Long> positions) {
      check("journal.lagBehind");
      return super.lagBehind(positions);
    }
  }

  private record CheckedStore(MetadataStore store) implements MetadataStore {
    @Override
    public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability) {
      check("store.apply");
      return store.apply(originSite, entries, durability);
    }

    @Override
    public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability, Fence fence) {
      check("store.apply");
      return store.apply(originSite, entries, durability, fence);
    }

    @Override
    public void sync() {
      check("store.sync");
      store.sync();
    }

    @Override
    public long watermark(String originSite, int shard) {
      check("store.watermark");
      return store.watermark(originSite, shard);
    }

    @Override
    public Map<Integer, Long> watermarks(String originSite) {
      check("store.watermarks");
      return store.watermarks(originSite);
    }

    @Override
    public Map<Integer, Long> durableWatermarks(String originSite) {
      check("store.durableWatermarks");
      return store.durableWatermarks(originSite);
    }

    @Override
    public Optional<StoredValue> get(long inodeId) {
      check("store.get");
      return store.get(inodeId);
    }

    @Override
    public Map<Long, StoredValue> getAll(Collection<Long> inodeIds) {
      check("store.getAll");
      return store.getAll(inodeIds);
    }

    @Override
    public void scan(Consumer<StoredValue> visitor) {
      check("store.scan");
      store.scan(visitor);
    }

    @Override
    public RepairResult repair(List<StoredValue> values, Durability durability) {
      check("store.repair");
      return store.repair(values, durability);
    }

    @Override
    public Optional<UUID> incarnation(String originSite) {
      check("store.incarnation");
      return store.incarnation(originSite);
    }

    @Override
    public IncarnationCheck adoptIncarnation(String originSite, UUID incarnation) {
      check("store.adoptIncarnation");
      return store.adoptIncarnation(originSite, incarnation);
    }

    @Override
    public Optional<ForgottenOrigin> forgetIncarnation(String originSite, UUID expected) {
      check("store.forgetIncarnation");
      return store.forgetIncarnation(originSite, expected);
    }

    @Override
    public StoreSnapshot openSnapshot() {
      check("store.openSnapshot");
      return new CheckedSnapshot(store.openSnapshot());
    }

    @Override
    public MarksInstalled installMarks(Map<String, OriginMarks> marks, Durability durability) {
      check("store.installMarks");
      return store.installMarks(marks, durability);
    }

    @Override
    public StoreDigest digest() {
      check("store.digest");
      return store.digest();
    }

    @Override
    public Map<Long, Seen> knowledge(Collection<Long> inodeIds) {
      check("store.knowledge");
      return store.knowledge(inodeIds);
    }

    @Override
    public List<WriteConflict> conflicts(long afterId, int limit) {
      check("store.conflicts");
      return store.conflicts(afterId, limit);
    }

    @Override
    public long trimConflicts(long olderThanMillis, long maxRecords) {
      check("store.trimConflicts");
      return store.trimConflicts(olderThanMillis, maxRecords);
    }

    @Override
    public long collectTombstones(String originSite, Map<Integer, Long> stableSeqs, long olderThanHlc, int max) {
      check("store.collectTombstones");
      return store.collectTombstones(originSite, stableSeqs, olderThanHlc, max);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /** Paging reads the store, so it is checked; closing is not, like the store's: a refused close would leak the view. */
  private record CheckedSnapshot(StoreSnapshot snapshot) implements StoreSnapshot {
    @Override
    public Map<String, OriginMarks> marks() {
      return snapshot.marks();
    }

    @Override
    public List<StoredValue> next(OptionalLong after, int maxValues, long maxBytes) {
      check("snapshot.next");
      return snapshot.next(after, maxValues, maxBytes);
    }

    @Override
    public void close() {
      snapshot.close();
    }
  }
}
