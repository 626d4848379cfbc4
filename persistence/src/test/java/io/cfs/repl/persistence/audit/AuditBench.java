package io.cfs.repl.persistence.audit;

import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * What the audit trail costs, for the README: bytes per record on disk and the time of recording, of a filtered query
 * and of collection, on RocksDB and (with the argument {@code postgres}) PostgreSQL. A main, not a test.
 *
 * <p>Arguments, all optional: backend (rocksdb), records (1000000). Records look like the engine's link events: a
 * kind, a peer, a 100-character detail and two attributes; one in a hundred is a LINK_DOWN.
 */
public final class AuditBench {
  private static final long T0 = 1_700_000_000_000L;
  private static final int GROUP = 500;

  private AuditBench() {
  }

  public static void main(String[] args) throws Exception {
    boolean postgres = args.length > 0 && args[0].equals("postgres");
    int total = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path dir = Files.createTempDirectory("audit-bench");
    PostgresDatabase db = postgres ? PostgresDatabase.open(PostgresSettings.defaults(), "audit-bench") : null;
    String site = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    LongSupplier bytes = postgres ? () -> tableBytes(db) : () -> sstBytes(dir);
    long emptyBytes = bytes.getAsLong();
    AuditLog log = postgres ? PostgresAuditLog.open(db, site) : RocksDbAuditLog.open(dir, site, RocksDbAuditLogTest.SETTINGS);
    try {
      long start = System.nanoTime();
      for (int i = 0; i < total; i += GROUP) {
        List<AuditRecord> group = new ArrayList<>(GROUP);
        for (int j = i; j < Math.min(total, i + GROUP); j++) group.add(record(site, j));
        log.record(group);
      }
      report("recorded %,d records in groups of %d: %.0f records/s", total, GROUP,
          total / seconds(start));
      if (postgres) {
        analyze(db); // as autovacuum does within a minute of such a change: plans then use the indexes
      } else {
        log.close();
        log = RocksDbAuditLog.open(dir, site, RocksDbAuditLogTest.SETTINGS); // flushes nothing: sizes after reopen
      }
      report("on disk: %.0f bytes per record (%s)", (bytes.getAsLong() - emptyBytes) / (double) total,
          postgres ? "table and indexes" : "SST files, after reopening");
      time("newest page of 100", log, AuditQuery.newest(100));
      time("page of 100 LINK_DOWN", log, AuditQuery.newest(100).withKinds(Set.of(AuditKind.LINK_DOWN)));
      time("page of 100 of one hour, a week back", log,
          AuditQuery.newest(100).withSince(T0 + total - 3_600_000L * 24 * 7).withUntil(T0 + total));
      start = System.nanoTime();
      long trimmed = log.trimTo(total - total / 10);
      report("trimTo(%,d) removed %,d in %.2f s", total - total / 10, trimmed, seconds(start));
      start = System.nanoTime();
      long none = log.trimTo(total - total / 10);
      report("trimTo with nothing to remove (%d) in %.3f s", none, seconds(start));
      start = System.nanoTime();
      long expired = log.deleteOlderThan(T0 + total / 5 * 1000L);
      report("deleteOlderThan removed %,d in %.2f s", expired, seconds(start));
      start = System.nanoTime();
      long noneExpired = log.deleteOlderThan(T0 + total / 5 * 1000L);
      report("deleteOlderThan with nothing to remove (%d) in %.3f s", noneExpired, seconds(start));
      log.trimTo(0);
    } finally {
      log.close();
      if (db != null) db.close();
    }
  }

  /** One record per second of simulated time. */
  private static AuditRecord record(String site, int i) {
    AuditKind kind = i % 100 == 0 ? AuditKind.LINK_DOWN : AuditKind.LINK_UP;
    return AuditRecord.of(kind, T0 + i * 1000L, site,
            "connection to 10.0.1.50:9500 ended: IOException: Connection reset by peer (attempt " + i % 10
                + ", connection " + Integer.toHexString(i * 0x9E3779B1) + ")")
        .withPeer("site-b").withAttribute("address", "10.0.1.50:9500").withAttribute("state", "BACKOFF");
  }

  private static void time(String what, AuditLog log, AuditQuery query) {
    long start = System.nanoTime();
    AuditPage page = log.query(query);
    report("query %s: %d records in %.1f ms", what, page.records().size(), (System.nanoTime() - start) / 1e6);
  }

  private static long sstBytes(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".sst")).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void analyze(PostgresDatabase db) {
    db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement("ANALYZE cfs_audit")) {
        return st.execute();
      }
    });
  }

  private static long tableBytes(PostgresDatabase db) {
    return db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT pg_total_relation_size('cfs_audit')");
           ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.printf(format + "%n", args);
  }
}
