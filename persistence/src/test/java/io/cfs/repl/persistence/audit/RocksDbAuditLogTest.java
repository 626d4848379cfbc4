package io.cfs.repl.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.persistence.RocksDbSettings;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log rules on RocksDB, its stored layout, and its bounded scans. */
class RocksDbAuditLogTest extends AuditLogContract {
  static final RocksDbSettings SETTINGS =
      RocksDbSettings.create(ConfigFactory.defaultReference(), "cfs-repl.persistence.audit.rocksdb");

  @TempDir
  Path dir;

  @Override
  String site() {
    return "site-a";
  }

  @Override
  AuditLog open() {
    return RocksDbAuditLog.open(dir, site(), SETTINGS);
  }

  @Override
  AuditLog openWithDeleteChunk(int chunk) {
    return RocksDbAuditLog.open(dir, site(), SETTINGS, RocksDbAuditLog.SCAN_BUDGET, chunk);
  }

  /** Layout 1 as written today: a change to the layout must keep reading these bytes. */
  @Test
  void layoutOneReadsBackAsWritten() {
    AuditRecord r = new AuditRecord(42, 1_700_000_000_123L, AuditKind.SHARD_STOPPED, "a", "b", null, 3, 9L, "gap",
        java.util.Map.of("k", "v"));
    String key = "0000018bcfe5687b" + "000000000000002a";
    String value = "01" + "000d" + HexFormat.of().formatHex("SHARD_STOPPED".getBytes()) + "0001" + "61"
        + "01" + "0001" + "62" + "00" + "01" + "00000003" + "01" + "0000000000000009"
        + "0003" + HexFormat.of().formatHex("gap".getBytes()) + "0001" + "0001" + "6b" + "0001" + "76";
    assertThat(HexFormat.of().formatHex(AuditCodec.key(r.atMillis(), r.id()))).isEqualTo(key);
    assertThat(HexFormat.of().formatHex(AuditCodec.encode(r))).isEqualTo(value);
    assertThat(AuditCodec.decode(HexFormat.of().parseHex(key), HexFormat.of().parseHex(value))).isEqualTo(r);
  }

  @Test
  void aKindThisVersionDoesNotKnowIsLeftOut() {
    byte[] known = AuditCodec.encode(AuditRecord.of(AuditKind.LINK_UP, 5, "a", "x"));
    String hex = HexFormat.of().formatHex(known).replace(HexFormat.of().formatHex("LINK_UP".getBytes()),
        HexFormat.of().formatHex("LINK_ZZ".getBytes()));
    assertThat(AuditCodec.decode(AuditCodec.key(5, 1), HexFormat.of().parseHex(hex))).isNull();
  }

  @Test
  void aLongScanStopsAtItsBudgetAndTheNextPageGoesOn() {
    try (AuditLog log = RocksDbAuditLog.open(dir, site(), SETTINGS, 10, RocksDbAuditLog.DELETE_CHUNK)) {
      List<AuditRecord> batch = new ArrayList<>();
      for (int i = 0; i < 45; i++) batch.add(at(T0 + i, i % 20 == 0 ? AuditKind.LINK_DOWN : AuditKind.LINK_UP));
      log.record(batch);
      AuditQuery downs = AuditQuery.newest(5).withKinds(Set.of(AuditKind.LINK_DOWN));
      AuditPage first = log.query(downs);
      // the 10 newest keys hold one LINK_DOWN: the page stops there, short of its limit, and says where to go on
      assertThat(first.records()).extracting(AuditRecord::atMillis).containsExactly(T0 + 40);
      assertThat(first.next()).isEqualTo(new AuditCursor(T0 + 35, 36));
      assertThat(all(log, downs)).extracting(AuditRecord::atMillis).containsExactly(T0 + 40, T0 + 20, T0);
    }
  }
}
